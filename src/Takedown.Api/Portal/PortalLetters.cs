using Npgsql;
using Takedown.Api.ErasureRequests;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;
using Takedown.Messaging;

namespace Takedown.Api.Portal;

/// <summary>An erasure request's current letter as prepared (the exact text that will be sent) and where it stands.</summary>
public sealed record LetterPreview(Guid RequestId, Guid LetterId, LetterStatus Status, LetterPrepared Letter);

/// <summary>A letter of a case in the case's list (no text: the list shows no personal data).</summary>
public sealed record CaseLetterRow(Guid LetterId, Guid RequestId, string Kind, LetterStatus Status, bool NeedsApproval, DateTimeOffset PreparedAt);

/// <summary>One letter of a case with its exact text and where it stands.</summary>
public sealed record CaseLetter(Guid CaseId, Guid LetterId, Letter State, LetterPrepared Letter)
{
    /// <summary>Waits for the victim: nothing is sent on their behalf before they approve the text they read.</summary>
    public bool AwaitsApproval => State.Status == LetterStatus.Prepared && State.NeedsApproval;
}

/// <summary>
/// The erasure request's letter for the victim to read and approve, through <see cref="LetterWorkflow"/>: approving
/// names the SHA-256 of the text that was shown, and is refused when the letter's text is another one.
/// </summary>
public sealed class PortalLetters(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, LetterWorkflow letters)
{
    /// <summary>The request's current letter, or null when there is none on this case.</summary>
    public async Task<LetterPreview?> PreviewAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        if (await GetErasureLetterEndpoint.CurrentLetterIdAsync(dataSource, options.Schema, requestId, cancellationToken) is not { } letterId
            || await letters.LoadAsync(letterId, cancellationToken) is not { } letter
            || letter.CaseId != caseId)
        {
            return null;
        }
        var (state, _) = await store.AggregateStreamAsync(letterId, Letter.Initial, Letter.Evolve, cancellationToken: cancellationToken);
        return new LetterPreview(requestId, letterId, state.Status, letter);
    }

    /// <summary>Approves the letter if <paramref name="shownSha256"/> is the hash of its text; the worker then sends it.</summary>
    /// <returns>False when the text is not the one shown (reload and read again).</returns>
    public async Task<bool> ApproveAsync(
        LetterPreview preview, string shownSha256, string actor, string correlationId, MessageOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(outbox);
        if (preview.Letter.ContentSha256 != shownSha256)
        {
            return false;
        }
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        session.Enlist(outbox);
        try
        {
            await letters.ApproveAsync(session, outbox, preview.LetterId, actor, shownSha256, false, cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return false;
        }
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    public static byte[] Pdf(LetterPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return LetterWorkflow.RenderPdf(preview.Letter);
    }

    /// <summary>
    /// The kinds a victim reads in the portal: letters written on their behalf. Notices to the victim went to their own
    /// mailbox; the erasure letter also has its request's page.
    /// </summary>
    public static readonly IReadOnlyList<string> VisibleKinds =
        [nameof(LetterKind.ErasureRequest), nameof(LetterKind.DeadlineReminder), nameof(LetterKind.CeaseAndDesist), nameof(LetterKind.ApComplaintDossier),
            nameof(LetterKind.PlatformComplaint)];

    /// <summary>The case's reminders, cease-and-desist letters, AP dossiers and objections to e-mail platforms, oldest first.</summary>
    public async Task<IReadOnlyList<CaseLetterRow>> ListAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, request_id, kind, status, needs_approval, prepared_at FROM {options.Schema}.letter_overview
            WHERE case_id = $1 AND kind = ANY($2) ORDER BY prepared_at, id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        command.Parameters.Add(new NpgsqlParameter { Value = VisibleKinds.Where(k => k != nameof(LetterKind.ErasureRequest)).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CaseLetterRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CaseLetterRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), Enum.Parse<LetterStatus>(reader.GetString(3)),
                reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return rows;
    }

    /// <summary>The letter if it belongs to the case and is one a victim reads; otherwise null (the caller's 404).</summary>
    public async Task<CaseLetter?> LetterAsync(Guid caseId, Guid letterId, CancellationToken cancellationToken)
    {
        var events = await store.FetchStreamAsync(letterId, cancellationToken: cancellationToken);
        return events.Select(e => e.Data).OfType<LetterPrepared>().FirstOrDefault() is { } prepared
            && prepared.CaseId == caseId && VisibleKinds.Contains(prepared.Kind)
            ? new CaseLetter(caseId, letterId, events.Aggregate(Letter.Initial, (s, e) => Letter.Evolve(s, e.Data)), prepared)
            : null;
    }

    /// <summary>
    /// Approves a letter the victim read (a reminder) by the hash they were shown. Returns the refusal when it cannot be
    /// approved (another text, or a reminder that no longer fits), null when it was approved.
    /// </summary>
    public async Task<DomainRuleViolated?> ApproveAsync(
        CaseLetter letter, string shownSha256, string actor, string correlationId, MessageOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(outbox);
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        session.Enlist(outbox);
        try
        {
            await letters.ApproveAsync(session, outbox, letter.LetterId, actor, shownSha256, false, cancellationToken);
        }
        catch (DomainRuleViolated e)
        {
            return e;
        }
        await session.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Records that the victim sent a letter for the post by registered post (the date, and the receipt's barcode when
    /// given). Returns the refusal when it cannot be recorded (a date ahead of today, a code that is no code), null when
    /// it was.
    /// </summary>
    public async Task<DomainRuleViolated?> RecordPostedAsync(
        CaseLetter letter, DateOnly postedOn, string? trackingCode, DateOnly today, string actor, string correlationId,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(time);
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        try
        {
            await session.DecideAsync(letter.LetterId, Letter.Initial, Letter.Evolve,
                state => Letter.Decide(new RecordLetterPosted(letter.LetterId, postedOn, trackingCode, actor, today, time.GetUtcNow()), state),
                cancellationToken);
        }
        catch (DomainRuleViolated e)
        {
            return e;
        }
        await session.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// The case's letters for the post that the victim recorded as posted, in the order they were made, read in one
    /// round trip. <paramref name="rows"/> is the case's letter list when the caller has it already.
    /// </summary>
    public async Task<IReadOnlyList<(LetterPrepared Letter, LetterPosted Posted)>> PostedAsync(
        Guid caseId, IReadOnlyList<CaseLetterRow>? rows, CancellationToken cancellationToken)
    {
        var ids = (rows ?? await ListAsync(caseId, cancellationToken))
            .Where(r => r.Kind == nameof(LetterKind.CeaseAndDesist)).Select(r => r.LetterId).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        await using var query = store.QuerySession();
        var streams = await query.FetchStreamsAsync(ids, cancellationToken);
        var posted = new List<(LetterPrepared, LetterPosted)>();
        foreach (var id in ids.Where(streams.ContainsKey))
        {
            var events = streams[id];
            var letter = events.Aggregate(Letter.Initial, (s, e) => Letter.Evolve(s, e.Data));
            if (letter is { Posted: not null } && letter.CaseId == caseId)
            {
                posted.Add((events.Select(e => e.Data).OfType<LetterPrepared>().First(), letter.Posted));
            }
        }
        return posted;
    }

    /// <summary>Makes the cease-and-desist letter the victim was shown; returns its id, or null when the text changed meanwhile.</summary>
    public async Task<Guid?> CreateCeaseAndDesistAsync(
        Guid caseId, CeaseAndDesistInput input, string shownSha256, string actor, string correlationId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        Guid letterId;
        try
        {
            letterId = await letters.PrepareCeaseAndDesistAsync(session, caseId, input, shownSha256, actor, cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return null;
        }
        await session.SaveChangesAsync(cancellationToken);
        return letterId;
    }

    public static byte[] Pdf(CaseLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return LetterWorkflow.RenderPdf(letter.Letter);
    }
}
