using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application;
using Takedown.Application.ControllerDirectory;
using Takedown.Application.Letters;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.ErasureRequests;

/// <summary>Drafts a GDPR Art. 17 erasure request to one data controller on a case, or a delisting request to a search engine.</summary>
public static class DraftErasureRequestEndpoint
{
    /// <param name="ControllerName">The organisation that holds the data (the data controller).</param>
    /// <param name="ControllerEmail">Where the request is sent (the controller's privacy or DPO address).</param>
    /// <param name="ControllerCountry">Member state whose public holidays count for the deadline: "NL" or "IE". Left out with a
    /// directory record: the record's country when it is one of these, otherwise "NL", the victim's calendar (docs/directory.md).</param>
    /// <param name="PersonalData">What was posted, in words ("home address", "phone number", "photos").</param>
    /// <param name="Urls">The exact addresses where it appears (http or https).</param>
    /// <param name="ControllerLanguage">The language of the letters to the controller: "nl" or "en". Left out: Dutch for a Dutch controller, otherwise English.</param>
    /// <param name="Kind">"Erasure" (left out): the controller is asked to erase the data. "Delisting": the controller is a search
    /// engine, asked to remove the urls from the results of searches on the victim's name (GDPR Art. 17 with 21(1); CJEU C-131/12
    /// Google Spain). The answer deadline is the same GDPR Art. 12(3) month.</param>
    /// <param name="DirectoryRecordId">A controller directory record (<c>GET /controllers?q=</c>): its name, country, language
    /// and channel fill in what the body leaves out, and the request keeps the record's id and version. Its channel decides how the
    /// request goes: by e-mail (sent by the service), as a letter for registered post, or on the controller's web form (the
    /// victim pastes the text). A controllerEmail in the body sends it by e-mail to that address instead, which a record
    /// without a usable channel needs.</param>
    public sealed record DraftErasureRequestRequest(
        string? ControllerName, string? ControllerEmail, string? ControllerCountry, IReadOnlyList<string>? PersonalData, IReadOnlyList<string>? Urls,
        string? ControllerLanguage = null, ErasureRequestKind? Kind = null, string? DirectoryRecordId = null);

    /// <param name="Id">The erasure request.</param>
    /// <param name="LetterId">Its letter to the controller, waiting for the victim's approval.</param>
    public sealed record ErasureRequestCreated(Guid Id, Guid LetterId);

    public static void MapDraftErasureRequest(this ApiGroups api) => api.Map(group => group
        .MapPost("/cases/{caseId:guid}/erasure-requests", Draft)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("DraftErasureRequest")
        .WithSummary("Draft a GDPR Art. 17 erasure request to a data controller")
        .Produces<ErasureRequestCreated>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity));

    public static async Task<IResult> Draft(
        Guid caseId, DraftErasureRequestRequest request, HttpContext http, CaseAccess access, IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options,
        DeadlineEngine engine, LetterWorkflow letters, DirectoryRecords directory, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        if (!await access.CanAddRequestAsync(http.User, caseId, store, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        var picked = request.DirectoryRecordId is { Length: > 0 and <= 100 } recordId
            ? await directory.GetAsync(DirectoryKind.Company, recordId, cancellationToken)
            : null;
        var route = picked is null ? null : ControllerRoute.From(picked, request.ControllerEmail);
        if (picked is not null)
        {
            request = request with
            {
                ControllerName = request.ControllerName ?? picked.Name,
                // A record in a country whose holidays the deadline engine does not know counts on the victim's calendar.
                ControllerCountry = request.ControllerCountry ?? picked.DeadlineCountry(engine),
                ControllerLanguage = request.ControllerLanguage ?? picked.RequestLanguage,
            };
        }
        var input = new Input()
            .Require(request.DirectoryRecordId is null || picked is not null, "directoryRecordId", "No such record in the controller directory.")
            .Require(picked is null || route is not null, "directoryRecordId",
                "This record has no usable address for its channel; give the controller's e-mail address in controllerEmail.")
            .Text(request.ControllerName, "controllerName");
        if (route is null || route.Channel == LetterChannels.Email)
        {
            input.Email(request.ControllerEmail ?? route?.Email, "controllerEmail");
        }
        input
            .Require(request.ControllerCountry is not null && engine.Calendars.Supports(request.ControllerCountry), "controllerCountry",
                $"Use one of: {string.Join(", ", engine.Calendars.Countries)}.")
            .TextList(request.PersonalData, "personalData")
            .WebUrls(request.Urls, "urls")
            .Require(request.ControllerLanguage is null || ErasureRequest.ControllerLanguages.Contains(request.ControllerLanguage), "controllerLanguage",
                "Use \"nl\" or \"en\", or leave it out.")
            .Require(request.Kind is null || Enum.IsDefined(request.Kind.Value), "kind", "Use Erasure or Delisting, or leave it out.");
        var key = Idempotency.Read(http, input);
        input.ThrowIfAny();
        var id = key is null ? Guid.CreateVersion7(time.GetUtcNow()) : Idempotency.ResourceId(http.User.Actor(), "DraftErasureRequest", caseId, key);
        return await Idempotency.CreateOnceAsync(key,
            () => ReplayAsync(id, caseId, request, http, store, dataSource, options, cancellationToken),
            () => DraftAsync(id, caseId, request, route, picked, http, store, dataSource, options, engine, letters, time, cancellationToken));
    }

    /// <summary>Drafts it with its letter; null when a request with this id exists already (a concurrent call with the same key won).</summary>
    private static async Task<IResult?> DraftAsync(
        Guid id, Guid caseId, DraftErasureRequestRequest request, ControllerRoute? route, DirectoryEntry? picked, HttpContext http,
        IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, DeadlineEngine engine, LetterWorkflow letters, TimeProvider time, CancellationToken cancellationToken)
    {
        // The request and its letter are written in one transaction and one batch: the letter is composed from the
        // request as decided, and nothing is kept if either fails.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var metadata = new EventMetadata(http.TraceIdentifier, null, http.User.Actor());
        var session = store.OpenSession(transaction, metadata);
        var (drafted, state) = await session.DecideAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
            new DraftErasureRequest(id, caseId, request.ControllerName!.Trim(), (request.ControllerEmail ?? route?.Email ?? "").Trim(), request.ControllerCountry!,
                request.PersonalData!, request.Urls!, time.GetUtcNow(), request.ControllerLanguage, request.Kind ?? ErasureRequestKind.Erasure,
                picked?.Id, picked?.Version, route?.Channel, route?.Address, route?.WebForm),
            state, engine), cancellationToken);
        if (drafted.Count == 0)
        {
            // Drafting again is no change, and must not make a second letter: answer as the first call did.
            return null;
        }
        var letterId = await letters.PrepareErasureLetterAsync(session, state, drafted.OfType<ErasureRequestDrafted>().Single(), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/erasure-requests/{id}", new ErasureRequestCreated(id, letterId));
    }

    /// <summary>The first call's answer when a request with this id exists: the same when it was drafted with this body.</summary>
    private static async Task<IResult?> ReplayAsync(
        Guid id, Guid caseId, DraftErasureRequestRequest request, HttpContext http, IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, CancellationToken cancellationToken)
    {
        var events = await store.FetchStreamAsync(id, version: 1, cancellationToken: cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }
        var same = events[0].Data is ErasureRequestDrafted drafted
            && drafted.CaseId == caseId
            && drafted.ControllerName == request.ControllerName!.Trim()
            && drafted.DirectoryRecordId == request.DirectoryRecordId
            && (request.ControllerEmail is null ? drafted.DirectoryRecordId is not null : drafted.ControllerEmail == request.ControllerEmail.Trim())
            && string.Equals(drafted.ControllerCountry, request.ControllerCountry, StringComparison.OrdinalIgnoreCase)
            && (request.ControllerLanguage is null || drafted.ControllerLanguage == request.ControllerLanguage)
            && drafted.Kind == (request.Kind ?? ErasureRequestKind.Erasure)
            && drafted.PersonalData.SequenceEqual(request.PersonalData!)
            && drafted.Urls.SequenceEqual(request.Urls!);
        if (!same)
        {
            return Idempotency.Mismatch();
        }
        // Drafting prepares the request's one letter in the same transaction, so it is there whenever the request is.
        var letterId = await GetErasureLetterEndpoint.CurrentLetterIdAsync(dataSource, options.Schema, id, cancellationToken)
            ?? throw new InvalidOperationException("The erasure request has no letter.");
        return Idempotency.Replayed(http, $"/api/v1/erasure-requests/{id}", new ErasureRequestCreated(id, letterId));
    }
}
