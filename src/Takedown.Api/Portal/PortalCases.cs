using Npgsql;
using Takedown.Api.Cases;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Application.PlatformReports;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Portal;

/// <summary>What a victim reported when starting a takedown, already checked (see the Start page).</summary>
public sealed record TakedownStart(
    string VictimName,
    string VictimEmail,
    string Language,
    IReadOnlyList<string> PersonalData,
    IReadOnlyList<string> Urls,
    string? ByWhom,
    ErasureTrack? Erasure,
    PlatformTrack? Platform);

/// <summary>The erasure request to start; <c>ControllerLanguage</c> is "nl" or "en" for its letters, null for the default of the controller's country.</summary>
/// <summary>The erasure request of a new case; <see cref="Kind"/> is Delisting when the organisation is a search engine.</summary>
/// <summary>
/// With a controller picked from the directory: <c>DirectoryRecordId</c> and <c>DirectoryRecordVersion</c> name the record,
/// <c>Channel</c> (one of <c>LetterChannels</c>) how the request goes, with the postal <c>Address</c> or the <c>WebForm</c> it needs.
/// </summary>
public sealed record ErasureTrack(
    string ControllerName, string ControllerEmail, string ControllerCountry, string? ControllerLanguage = null,
    ErasureRequestKind Kind = ErasureRequestKind.Erasure, string? DirectoryRecordId = null, int? DirectoryRecordVersion = null,
    string? Channel = null, IReadOnlyList<string>? Address = null, string? WebForm = null);

/// <summary>
/// The platform report to start; <c>Notifier</c> is who the notice names as its notifier: the service on the victim's
/// behalf by default (the platform may tell the uploader who reported), or the victim.
/// </summary>
public sealed record PlatformTrack(string Platform, ReportCategory Category, NotifierKind Notifier = NotifierKind.Service);

public sealed record CaseListItem(Guid Id, string Reference, string Status, DateTimeOffset OpenedAt, int Requests);

/// <summary>
/// A victim's cases. Every read goes through <see cref="OwnsAsync"/>: a case that is not the victim's and a case that
/// does not exist look the same (null, a 404), so guessing ids tells nothing.
/// </summary>
public sealed class PortalCases(
    NpgsqlDataSource dataSource, DatabaseOptions options, IDocumentStore store, DeadlineEngine engine, LetterWorkflow letters,
    PlatformNotices notices, TimeProvider time)
{
    public static string Actor(Guid victimId) => "victim:" + victimId.ToString("D");

    public async Task<bool> OwnsAsync(Guid victimId, Guid caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT owner FROM {options.Schema}.case_overview WHERE id = $1 AND status <> 'Deleted'");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        return await command.ExecuteScalarAsync(cancellationToken) is string owner && owner == Actor(victimId);
    }

    /// <summary>The case with its requests, or null when it is not the victim's.</summary>
    public async Task<GetCaseEndpoint.CaseView?> LoadAsync(Guid victimId, Guid caseId, CancellationToken cancellationToken) =>
        await OwnsAsync(victimId, caseId, cancellationToken)
            ? await GetCaseEndpoint.LoadAsync(dataSource, options.Schema, caseId, cancellationToken)
            : null;

    /// <summary>The turns in the clock of each erasure request of the case that was sent (an extension, a pause).</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ClockStep>>> ClockStepsAsync(GetCaseEndpoint.CaseView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var steps = new Dictionary<Guid, IReadOnlyList<ClockStep>>();
        foreach (var request in view.Requests.Where(r => r.Kind == "erasure" && r.SentAt is not null))
        {
            var events = await store.FetchStreamAsync(request.Id, cancellationToken: cancellationToken);
            steps[request.Id] = RequestClock.Steps(events.Select(e => e.Data), engine);
        }
        return steps;
    }

    /// <summary>The request (of the case, of the victim), or null.</summary>
    public async Task<GetCaseEndpoint.RequestSummary?> RequestAsync(Guid victimId, Guid caseId, Guid requestId, CancellationToken cancellationToken) =>
        (await LoadAsync(victimId, caseId, cancellationToken))?.Requests.FirstOrDefault(r => r.Id == requestId);

    public async Task<IReadOnlyList<CaseListItem>> ListAsync(Guid victimId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT c.id, c.reference, c.status, c.opened_at, (SELECT count(*) FROM {options.Schema}.request_overview r WHERE r.case_id = c.id)
            FROM {options.Schema}.case_overview c WHERE c.owner = $1 AND c.status <> 'Deleted' ORDER BY c.opened_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Actor(victimId) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CaseListItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CaseListItem(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), (int)reader.GetInt64(4)));
        }
        return list;
    }

    /// <summary>
    /// Opens the case with the victim as its owner, records the victim's name and address for the letters, drafts the
    /// chosen requests and prepares what the victim must approve (the erasure letter; for a platform that takes notices
    /// by e-mail only, the notice letter): all in one transaction, so a failure leaves no half-started takedown. Nothing
    /// is sent or filed before the victim approved it.
    /// </summary>
    public async Task<Guid> StartAsync(Guid victimId, TakedownStart start, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var now = time.GetUtcNow();
        var caseId = Guid.CreateVersion7(now);
        var @case = Case.Initial;
        var caseEvents = new List<object>();
        foreach (var command in new object[]
        {
            new OpenCase(caseId, NewReference(), start.Language, EscalationMode.OperatorReview, now),
            new RecordVictimDetails(caseId, start.VictimName, start.VictimEmail, now),
        })
        {
            var decided = Case.Decide(command, @case);
            caseEvents.AddRange(decided);
            @case = decided.Aggregate(@case, Case.Evolve);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var metadata = new EventMetadata(correlationId, null, Actor(victimId));
        var session = store.OpenSession(transaction, metadata);
        session.Events.StartStream(caseId, [.. caseEvents]);
        Guid? erasureId = null;
        Guid? reportId = null;
        if (start.Erasure is { } erasure)
        {
            var id = Guid.CreateVersion7(now);
            erasureId = id;
            await session.DecideAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
                new DraftErasureRequest(id, caseId, erasure.ControllerName, erasure.ControllerEmail, erasure.ControllerCountry, start.PersonalData, start.Urls, now,
                    erasure.ControllerLanguage, erasure.Kind, erasure.DirectoryRecordId, erasure.DirectoryRecordVersion, erasure.Channel, erasure.Address,
                    erasure.WebForm),
                state, engine), cancellationToken);
        }
        if (start.Platform is { } platform)
        {
            var id = Guid.CreateVersion7(now);
            reportId = id;
            var (notifierName, notifierEmail) = notices.NotifierFor(id, platform.Notifier, start.VictimName, start.VictimEmail);
            await session.DecideAsync(id, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
                new DraftPlatformReport(id, caseId, platform.Platform, start.Urls, platform.Category, Explanation(start, platform.Category, platform.Notifier), notifierName,
                    notifierEmail, true, now, platform.Notifier),
                state, engine), cancellationToken);
        }
        await session.SaveChangesAsync(cancellationToken);
        // The letters are composed from the case and the requests as stored, so they are prepared after those are
        // written, inside the same transaction.
        var letterSession = store.OpenSession(transaction, metadata);
        if (erasureId is { } requestId)
        {
            await letters.PrepareErasureLetterAsync(letterSession, requestId, cancellationToken);
        }
        if (reportId is { } report)
        {
            await notices.PrepareAsync(letterSession, report, start.Platform!.Platform, cancellationToken);
        }
        await letterSession.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return caseId;
    }

    /// <summary>
    /// Why the content is unlawful, in the victim's language: DSA Art. 16(2)(a). For threats it also asks the platform to
    /// tell the police (DSA Art. 18(1)), which a hosting provider must do for a threat to someone's life or safety.
    /// </summary>
    /// <summary>Why the content is illegal, in the victim's words, or, with the service as notifier, in the service's about the person it reports for.</summary>
    private static string Explanation(TakedownStart start, ReportCategory category, NotifierKind notifier)
    {
        var nl = start.Language == "nl";
        var what = string.Join(", ", start.PersonalData);
        if (notifier == NotifierKind.Service)
        {
            var service = nl
                ? $"Op deze adressen zijn zonder toestemming persoonsgegevens gepubliceerd van de persoon namens wie wij melden ({what}). Het verspreiden van deze gegevens om iemand vrees aan te jagen of ernstige overlast te bezorgen is strafbaar (doxing, artikel 285d Wetboek van Strafrecht) en in strijd met de AVG."
                : $"Personal data of the person on whose behalf we report has been published at these addresses without their consent ({what}). Spreading this data to intimidate someone or cause them serious nuisance is a criminal offence in the Netherlands (doxing, Article 285d of the Dutch Criminal Code) and breaches the GDPR.";
            if (!string.IsNullOrWhiteSpace(start.ByWhom))
            {
                service += nl ? $" Naar deze persoon aanneemt is dit geplaatst door: {start.ByWhom.Trim()}." : $" That person believes it was posted by: {start.ByWhom.Trim()}.";
            }
            if (category == ReportCategory.Threats)
            {
                service += nl
                    ? " De inhoud bedreigt het leven of de veiligheid van deze persoon: informeer daarom onverwijld de politie of het Openbaar Ministerie (artikel 18, eerste lid, DSA)."
                    : " The content threatens this person's life or safety: please inform the law enforcement or judicial authorities promptly (Article 18(1) DSA).";
            }
            return service;
        }
        var text = nl
            ? $"Op deze adressen zijn zonder mijn toestemming mijn persoonsgegevens gepubliceerd ({what}). Het verspreiden van deze gegevens om mij vrees aan te jagen of ernstige overlast te bezorgen is strafbaar (doxing, artikel 285d Wetboek van Strafrecht) en in strijd met de AVG."
            : $"My personal data has been published at these addresses without my consent ({what}). Spreading this data to intimidate me or cause me serious nuisance is a criminal offence in the Netherlands (doxing, Article 285d of the Dutch Criminal Code) and breaches the GDPR.";
        if (!string.IsNullOrWhiteSpace(start.ByWhom))
        {
            text += nl ? $" Naar ik aanneem is dit geplaatst door: {start.ByWhom.Trim()}." : $" I believe it was posted by: {start.ByWhom.Trim()}.";
        }
        if (category == ReportCategory.Threats)
        {
            text += nl
                ? " De inhoud bedreigt mijn leven of veiligheid: informeer daarom onverwijld de politie of het Openbaar Ministerie (artikel 18, eerste lid, DSA)."
                : " The content threatens my life or safety: please inform the law enforcement or judicial authorities promptly (Article 18(1) DSA).";
        }
        return text;
    }

    private static string NewReference()
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        return "TD-" + string.Create(8, alphabet, (span, letters) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = letters[System.Security.Cryptography.RandomNumberGenerator.GetInt32(letters.Length)];
            }
        });
    }
}
