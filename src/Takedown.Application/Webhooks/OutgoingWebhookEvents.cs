using Takedown.Domain.ApComplaints;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;

namespace Takedown.Application.Webhooks;

/// <summary>
/// The request status changes integrations can subscribe to, under the names they are delivered as. The payload
/// carries ids, kinds, statuses and dates only: never a name, an address, a URL or a letter's text.
/// </summary>
public static class OutgoingWebhookEvents
{
    public const string ErasureRequestSent = "erasure_request.sent";
    public const string ErasureRequestAnswered = "erasure_request.answered";
    public const string ErasureDeadlineMissed = "erasure_request.deadline_missed";
    public const string ErasureRequestEscalated = "erasure_request.escalated";
    public const string PlatformReportFiled = "platform_report.filed";
    public const string PlatformReportContentRemoved = "platform_report.content_removed";
    public const string PlatformReportContentRestricted = "platform_report.content_restricted";
    public const string PlatformReportRefused = "platform_report.refused";
    public const string PlatformReportInternalComplaintLodged = "platform_report.internal_complaint_lodged";
    public const string ApComplaintLodged = "ap_complaint.lodged";

    public static IReadOnlyList<string> All { get; } =
    [
        ErasureRequestSent, ErasureRequestAnswered, ErasureDeadlineMissed, ErasureRequestEscalated, PlatformReportFiled,
        PlatformReportContentRemoved, PlatformReportContentRestricted, PlatformReportRefused, PlatformReportInternalComplaintLodged,
        ApComplaintLodged,
    ];

    /// <summary>The outgoing type of a domain event and when it happened, or null for events integrations do not get.</summary>
    public static (string Type, DateTimeOffset At)? Of(object @event) => @event switch
    {
        ErasureRequestSent e => (ErasureRequestSent, e.SentAt),
        ErasureRequestAnswered e => (ErasureRequestAnswered, e.AnsweredAt),
        DeadlineMissed e => (ErasureDeadlineMissed, e.MissedAt),
        ErasureRequestEscalated e => (ErasureRequestEscalated, e.EscalatedAt),
        PlatformReportFiled e => (PlatformReportFiled, e.FiledAt),
        PlatformReportFiledByEmail e => (PlatformReportFiled, e.FiledAt),
        InternalComplaintLodged e => (PlatformReportInternalComplaintLodged, e.LodgedAt),
        ContentRemoved e => (PlatformReportContentRemoved, e.RemovedAt),
        ContentRestricted e => (PlatformReportContentRestricted, e.RestrictedAt),
        ContentRemovalRefused e => (PlatformReportRefused, e.RefusedAt),
        ApComplaintLodged e => (ApComplaintLodged, e.LodgedAt),
        _ => null,
    };
}

/// <summary>The body of an outgoing webhook (Standard Webhooks payload shape).</summary>
public sealed record OutgoingWebhookPayload(string Type, DateTimeOffset Timestamp, OutgoingWebhookData Data);

/// <param name="EventId">The id of the event the delivery reports; also the <c>webhook-id</c> (as <c>evt_…</c>).</param>
/// <param name="CaseId">The case.</param>
/// <param name="RequestId">The erasure request, platform report or AP complaint.</param>
/// <param name="Kind">erasure, platform or ap-complaint.</param>
/// <param name="Status">The request's status after the event.</param>
/// <param name="OccurredAt">When it happened.</param>
public sealed record OutgoingWebhookData(Guid EventId, Guid CaseId, Guid RequestId, string Kind, string Status, DateTimeOffset OccurredAt);
