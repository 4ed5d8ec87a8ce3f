using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application;
using Takedown.Application.Messaging;
using Takedown.Messaging;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;

namespace Takedown.Api.PlatformReports;

/// <summary>Drafts a DSA Art. 16 notice to a hosting platform on a case.</summary>
public static class DraftPlatformReportEndpoint
{
    /// <param name="Platform">The platform's name as configured (see the platform registry).</param>
    /// <param name="Urls">The exact addresses of the content (http or https): DSA Art. 16(2)(b).</param>
    /// <param name="Category">Doxing (Sr art. 285d), Stalking (Sr art. 285b), IntimateImages or Threats.</param>
    /// <param name="Explanation">Why the content is unlawful: DSA Art. 16(2)(a).</param>
    /// <param name="NotifierName">Who reports (the victim or the service on their behalf): DSA Art. 16(2)(c).</param>
    /// <param name="NotifierEmail">Where the platform confirms receipt and sends its decision.</param>
    /// <param name="GoodFaithStatement">The notifier's statement that the notice is accurate and complete: DSA Art. 16(2)(d).</param>
    public sealed record DraftPlatformReportRequest(
        string? Platform, IReadOnlyList<string>? Urls, ReportCategory? Category, string? Explanation, string? NotifierName,
        string? NotifierEmail, bool? GoodFaithStatement);

    public sealed record RequestCreated(Guid Id);

    public static void MapDraftPlatformReport(this ApiGroups api) => api.Map(group => group
        .MapPost("/cases/{caseId:guid}/platform-reports", Draft)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("DraftPlatformReport")
        .WithSummary("Draft a DSA Art. 16 notice to a hosting platform")
        .Produces<RequestCreated>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Draft(
        Guid caseId, DraftPlatformReportRequest request, HttpContext http, CaseAccess access, EventStore.EventStore store,
        DeadlineEngine engine, MessageOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        if (!await access.CanAddRequestAsync(http.User, caseId, store, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        new Input()
            .Text(request.Platform, "platform")
            .WebUrls(request.Urls, "urls")
            .Require(request.Category is not null && Enum.IsDefined(request.Category.Value), "category",
                $"Use one of: {string.Join(", ", Enum.GetNames<ReportCategory>())}.")
            .Text(request.Explanation, "explanation", Input.MaxLongText)
            .Text(request.NotifierName, "notifierName")
            .Email(request.NotifierEmail, "notifierEmail")
            .Require(request.GoodFaithStatement == true, "goodFaithStatement",
                "The notifier must confirm that the notice is accurate and complete (DSA Art. 16(2)(d)).")
            .ThrowIfAny();
        var id = Guid.CreateVersion7(time.GetUtcNow());
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        session.Enlist(outbox);
        // Through the integration API, drafting is the instruction to file: the partner has told the victim that
        // platforms may publish notices (e.g. in the Lumen database), as our API documentation requires.
        outbox.Publish(new FileWithPlatform(id));
        await session.DecideAsync(id, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
            new DraftPlatformReport(id, caseId, request.Platform!.Trim(), request.Urls!, request.Category!.Value, request.Explanation!.Trim(),
                request.NotifierName!.Trim(), request.NotifierEmail!.Trim(), true, time.GetUtcNow()),
            state, engine), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/platform-reports/{id}", new RequestCreated(id));
    }
}
