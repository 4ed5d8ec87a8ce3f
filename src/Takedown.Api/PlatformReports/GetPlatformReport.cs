using Takedown.Application.EventStorage;
using Takedown.Api.Cases;
using Takedown.Api.ErasureRequests;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.PlatformReports;
using Takedown.Application.ReadModels;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Marten;

namespace Takedown.Api.PlatformReports;

/// <summary>A platform report with its response target and, after a refusal, the internal complaint window.</summary>
public static class GetPlatformReportEndpoint
{
    /// <summary>
    /// A platform report as partners see it. <c>Channel</c>: how the notice goes, <c>api</c> (the platform's report API)
    /// or <c>email</c> (a notice letter, without a ticket). <c>InternalComplaintWindow</c>: after a refusal and until an
    /// internal complaint was lodged, its window (DSA Art. 20). <c>InternalComplaintId</c>: the platform's id for the
    /// complaint once it received it.
    /// </summary>
    public sealed record PlatformReportView(
        Guid Id, Guid CaseId, string Status, string Platform, string Category, IReadOnlyList<string> Urls, string? TicketId,
        DateTimeOffset? FiledAt, string? PlatformStatus, TimeSpan? ResponseTime, bool ResponseTargetMissed,
        GetErasureRequestEndpoint.DeadlineDetail? ResponseDeadline, GetErasureRequestEndpoint.DeadlineDetail? InternalComplaintWindow,
        IReadOnlyList<GetErasureRequestEndpoint.TimelineEntry> Timeline, string Channel, DateTimeOffset? InternalComplaintLodgedAt,
        string? InternalComplaintId);

    public static void MapGetPlatformReport(this ApiGroups api) => api.Map(group => group
        .MapGet("/platform-reports/{id:guid}", Get)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetPlatformReport")
        .WithSummary("A platform report, its response target and its status")
        .Produces<PlatformReportView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, IDocumentStore store, DeadlineEngine engine, PlatformNotices notices,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notices);
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
            GetErasureRequestEndpoint.DeadlineDetail.From(state.ComplaintLodgedAt is null ? state.InternalComplaintWindow(engine) : null),
            [.. events.Select(e => new GetErasureRequestEndpoint.TimelineEntry(e.EventTypeName, e.Timestamp))],
            ChannelOf(state, notices), state.ComplaintLodgedAt, state.ComplaintId));
    }

    /// <summary>E-mail once filed by e-mail; before filing, what the registry says of the platform now.</summary>
    private static string ChannelOf(PlatformReport state, PlatformNotices notices) =>
        state.FiledByEmail || (state.TicketId is null && notices.EmailChannel(state.Platform) is not null)
            ? NoticeChannels.Email
            : NoticeChannels.Api;
}

/// <summary>The two ways a notice goes, as the API names them.</summary>
public static class NoticeChannels
{
    public const string Api = "api";
    public const string Email = "email";
}

public static class PlatformReportsEndpoints
{
    public static ApiGroups MapPlatformReports(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapDraftPlatformReport();
        api.MapGetPlatformReport();
        api.MapGetPlatformNotice();
        api.MapApprovePlatformReport();
        api.MapLodgeInternalComplaint();
        return api;
    }
}
