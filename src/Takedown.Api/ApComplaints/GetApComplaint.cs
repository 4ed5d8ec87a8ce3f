using Takedown.Application.EventStorage;
using Takedown.Api.Cases;
using Takedown.Api.ErasureRequests;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Deadlines;
using Marten;

namespace Takedown.Api.ApComplaints;

/// <summary>An AP complaint with the AP's progress deadline (GDPR Art. 78(2)) explained, folded from its stream.</summary>
public static class GetApComplaintEndpoint
{
    /// <param name="Id">The complaint.</param>
    /// <param name="CaseId">The case it belongs to.</param>
    /// <param name="ErasureRequestId">The erasure request it is about.</param>
    /// <param name="Status">Prepared (waiting for an operator's review), Reviewed, Lodged with the AP, or Decided by it.</param>
    /// <param name="ApReference">The AP's confirmation or reference number, recorded when the complaint was lodged.</param>
    /// <param name="LodgedAt">When the lodging was recorded here.</param>
    /// <param name="ProgressDeadline">The AP's three months to report progress (GDPR Art. 78(2)), once lodged.</param>
    /// <param name="Decision">The AP's decision: Upheld, Settled, Rejected or NotHandled.</param>
    /// <param name="LodgedOn">The day the AP received the complaint, from which its progress deadline runs (null for lodgings recorded before it was kept).</param>
    /// <param name="Timeline">The complaint's events in order.</param>
    public sealed record ApComplaintView(
        Guid Id, Guid CaseId, Guid ErasureRequestId, string Status, string? ApReference, DateTimeOffset? LodgedAt, string? Decision,
        GetErasureRequestEndpoint.DeadlineDetail? ProgressDeadline, IReadOnlyList<GetErasureRequestEndpoint.TimelineEntry> Timeline, DateOnly? LodgedOn);

    public static void MapGetApComplaint(this ApiGroups api) => api.Map(group => group
        .MapGet("/ap-complaints/{id:guid}", Get)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetApComplaint")
        .WithSummary("An AP complaint, its AP reference and the AP's progress deadline")
        .Produces<ApComplaintView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, IDocumentStore store, DeadlineEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.ApComplaint, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        var events = await store.FetchStreamAsync(id, cancellationToken: cancellationToken);
        var state = events.Aggregate(ApComplaint.Initial, (s, e) => ApComplaint.Evolve(s, e.Data));
        return TypedResults.Ok(new ApComplaintView(
            state.Id, state.CaseId, state.ErasureRequestId, state.Status.ToString(), state.ApReference, state.LodgedAt, state.Decision?.ToString(),
            GetErasureRequestEndpoint.DeadlineDetail.From(state.ProgressDeadline(engine)),
            [.. events.Select(e => new GetErasureRequestEndpoint.TimelineEntry(e.EventTypeName, e.Timestamp))], state.LodgedOn));
    }
}

public static class ApComplaintsEndpoints
{
    public static ApiGroups MapApComplaints(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapOpenApComplaint();
        api.MapGetApComplaint();
        return api;
    }
}
