using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application;
using Takedown.Application.PlatformReports;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Platforms.Registry;

namespace Takedown.Api.PlatformReports;

/// <summary>Drafts a DSA Art. 16 notice to a hosting platform on a case; it is filed only after approval.</summary>
public static class DraftPlatformReportEndpoint
{
    /// <param name="Platform">The platform's name as configured (see the platform registry); another name is refused with a 400.</param>
    /// <param name="Urls">The exact addresses of the content (http or https): DSA Art. 16(2)(b).</param>
    /// <param name="Category">Doxing (Sr art. 285d), Stalking (Sr art. 285b), IntimateImages or Threats.</param>
    /// <param name="Explanation">Why the content is unlawful: DSA Art. 16(2)(a).</param>
    /// <param name="NotifierName">With notifier Victim: the victim's name, DSA Art. 16(2)(c). Leave it out with notifier Service.</param>
    /// <param name="NotifierEmail">With notifier Victim: where the platform confirms receipt and sends its decision. Leave it out with notifier Service.</param>
    /// <param name="GoodFaithStatement">The notifier's statement that the notice is accurate and complete: DSA Art. 16(2)(d).</param>
    /// <param name="Notifier">
    /// Who the notice names as notifier: Victim (the default) with notifierName and notifierEmail, or Service: the service
    /// itself, with its name and a reply address of this report, so the victim's name and e-mail address are not in the
    /// notice (the platform may name the notifier to the uploader, DSA Art. 17(3)(b)).
    /// </param>
    public sealed record DraftPlatformReportRequest(
        string? Platform, IReadOnlyList<string>? Urls, ReportCategory? Category, string? Explanation, bool? GoodFaithStatement,
        string? NotifierName = null, string? NotifierEmail = null, NotifierKind? Notifier = null);

    public sealed record RequestCreated(Guid Id);

    public static void MapDraftPlatformReport(this ApiGroups api) => api.Map(group => group
        .MapPost("/cases/{caseId:guid}/platform-reports", Draft)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("DraftPlatformReport")
        .WithSummary("Draft a DSA Art. 16 notice to a hosting platform")
        .Produces<RequestCreated>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity));

    public static async Task<IResult> Draft(
        Guid caseId, DraftPlatformReportRequest request, HttpContext http, CaseAccess access, IDocumentStore store, NpgsqlDataSource dataSource,
        DeadlineEngine engine, PlatformNotices notices, PlatformRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(registry);
        if (!await access.CanAddRequestAsync(http.User, caseId, store, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        PlatformOptions? platform = null;
        var input = new Input()
            .Text(request.Platform, "platform")
            // A report can go only to a platform we know how to reach; another name would be drafted, approved and then
            // never filed.
            .Require(string.IsNullOrWhiteSpace(request.Platform) || registry.TryGet(request.Platform.Trim(), out platform), "platform",
                registry.All.Count == 0
                    ? "Unknown platform: no platform is configured."
                    : $"Unknown platform: use one of {string.Join(", ", registry.All.Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase))}.")
            .WebUrls(request.Urls, "urls")
            .Require(request.Category is not null && Enum.IsDefined(request.Category.Value), "category",
                $"Use one of: {string.Join(", ", Enum.GetNames<ReportCategory>())}.")
            .Text(request.Explanation, "explanation", Input.MaxLongText)
            .Require(request.Notifier is null || Enum.IsDefined(request.Notifier.Value), "notifier", $"Use one of: {string.Join(", ", Enum.GetNames<NotifierKind>())}.");
        if (request.Notifier == NotifierKind.Service)
        {
            // The service names itself: a name or address given here would be dropped, so it is refused instead.
            input
                .Require(request.NotifierName is null, "notifierName", "Leave notifierName out with notifier Service: the notice names the service.")
                .Require(request.NotifierEmail is null, "notifierEmail", "Leave notifierEmail out with notifier Service: the notice gives the service's reply address.");
        }
        else
        {
            input
                .Text(request.NotifierName, "notifierName")
                .Email(request.NotifierEmail, "notifierEmail");
        }
        input
            .Require(request.GoodFaithStatement == true, "goodFaithStatement",
                "The notifier must confirm that the notice is accurate and complete (DSA Art. 16(2)(d)).");
        var key = Idempotency.Read(http, input);
        input.ThrowIfAny();
        var id = key is null ? Guid.CreateVersion7(time.GetUtcNow()) : Idempotency.ResourceId(http.User.Actor(), "DraftPlatformReport", caseId, key);
        return await Idempotency.CreateOnceAsync(key,
            () => ReplayAsync(id, caseId, platform!.Name, request, http, store, dataSource, cancellationToken),
            () => DraftAsync(id, caseId, platform!, request, http, store, dataSource, engine, notices, time, cancellationToken));
    }

    /// <summary>Drafts it; null when a report with this id exists already (a concurrent call with the same key won).</summary>
    private static async Task<IResult?> DraftAsync(
        Guid id, Guid caseId, PlatformOptions platform, DraftPlatformReportRequest request, HttpContext http, IDocumentStore store, NpgsqlDataSource dataSource,
        DeadlineEngine engine, PlatformNotices notices, TimeProvider time, CancellationToken cancellationToken)
    {
        // Drafting files nothing: the notice goes only after an explicit approval (POST …/approve), once the victim has
        // seen it and been told that platforms may publish notices. For a platform that takes notices by e-mail only,
        // the notice letter is prepared here, in the same transaction, so it can be read before approval.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var metadata = new EventMetadata(http.TraceIdentifier, null, http.User.Actor());
        var session = store.OpenSession(transaction, metadata);
        var notifier = request.Notifier ?? NotifierKind.Victim;
        var (notifierName, notifierEmail) = notices.NotifierFor(id, notifier, request.NotifierName?.Trim() ?? "", request.NotifierEmail?.Trim() ?? "");
        var (drafted, _) = await session.DecideAsync(id, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
            new DraftPlatformReport(id, caseId, platform.Name, request.Urls!, request.Category!.Value, request.Explanation!.Trim(),
                notifierName, notifierEmail, true, time.GetUtcNow(), notifier),
            state, engine), cancellationToken);
        if (drafted.Count == 0)
        {
            // Drafting again is no change, and must not prepare a second notice letter: answer as the first call did.
            return null;
        }
        await session.SaveChangesAsync(cancellationToken);
        var letterSession = store.OpenSession(transaction, metadata);
        await notices.PrepareAsync(letterSession, id, platform.Name, cancellationToken);
        await letterSession.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/platform-reports/{id}", new RequestCreated(id));
    }

    /// <summary>The first call's answer when a report with this id exists: the same when it was drafted with this body.</summary>
    private static async Task<IResult?> ReplayAsync(
        Guid id, Guid caseId, string platform, DraftPlatformReportRequest request, HttpContext http, IDocumentStore store, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var events = await store.FetchStreamAsync(id, version: 1, cancellationToken: cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }
        var same = events[0].Data is PlatformReportDrafted drafted
            && drafted.CaseId == caseId
            && drafted.Platform == platform
            && drafted.Category == request.Category
            && drafted.Explanation == request.Explanation!.Trim()
            && drafted.Notifier == (request.Notifier ?? NotifierKind.Victim)
            && (drafted.Notifier == NotifierKind.Service
                || (drafted.NotifierName == request.NotifierName!.Trim() && drafted.NotifierEmail == request.NotifierEmail!.Trim()))
            && drafted.Urls.SequenceEqual(request.Urls!);
        return same ? Idempotency.Replayed(http, $"/api/v1/platform-reports/{id}", new RequestCreated(id)) : Idempotency.Mismatch();
    }
}
