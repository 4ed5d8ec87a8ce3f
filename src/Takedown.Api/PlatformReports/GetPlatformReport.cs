using Takedown.Api.Cases;
using Takedown.Api.ErasureRequests;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;

namespace Takedown.Api.PlatformReports;

/// <summary>A platform report with its response target and, after a refusal, the internal complaint window.</summary>
public static class GetPlatformReportEndpoint
{
    public sealed record PlatformReportView(
        Guid Id, Guid CaseId, string Status, string Platform, string Category, IReadOnlyList<string> Urls, string? TicketId,
        DateTimeOffset? FiledAt, string? PlatformStatus, TimeSpan? ResponseTime, bool ResponseTargetMissed,
        GetErasureRequestEndpoint.DeadlineDetail? ResponseDeadline, GetErasureRequestEndpoint.DeadlineDetail? InternalComplaintWindow,
        IReadOnlyList<GetErasureRequestEndpoint.TimelineEntry> Timeline);

    public static void MapGetPlatformReport(this ApiGroups api) => api.Map(group => group
        .MapGet("/platform-reports/{id:guid}", Get)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetPlatformReport")
        .WithSummary("A platform report, its response target and its status")
        .Produces<PlatformReportView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, EventStore.EventStore store, DeadlineEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Platform, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        var events = await store.FetchStreamAsync(id, cancellationToken: cancellationToken);
        var state = events.Aggregate(PlatformReport.Initial, (s, e) => PlatformReport.Evolve(s, e.Data));
        return TypedResults.Ok(new PlatformReportView(
            state.Id, state.CaseId, state.Status.ToString(), state.Platform, state.Category.ToString(), state.Urls, state.TicketId,
            state.FiledAt, state.PlatformStatus, state.ResponseTime, state.TargetMissed,
            GetErasureRequestEndpoint.DeadlineDetail.From(state.ResponseDeadline(engine)),
            GetErasureRequestEndpoint.DeadlineDetail.From(state.InternalComplaintWindow(engine)),
            [.. events.Select(e => new GetErasureRequestEndpoint.TimelineEntry(e.EventType, e.Timestamp))]));
    }
}

public static class PlatformReportsEndpoints
{
    public static ApiGroups MapPlatformReports(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapDraftPlatformReport();
        api.MapGetPlatformReport();
        return api;
    }
}
