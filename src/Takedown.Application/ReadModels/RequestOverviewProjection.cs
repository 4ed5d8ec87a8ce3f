using JasperFx.Events;
using Marten;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;

namespace Takedown.Application.ReadModels;

/// <summary>The kinds of request a case holds, as stored in the read models.</summary>
public static class RequestKinds
{
    public const string Erasure = "erasure";
    public const string Platform = "platform";
    public const string ApComplaint = "ap-complaint";

    public static string? Of(object @event) => @event.GetType().Namespace switch
    {
        var ns when ns == typeof(ErasureRequest).Namespace => Erasure,
        var ns when ns == typeof(PlatformReport).Namespace => Platform,
        var ns when ns == typeof(ApComplaint).Namespace => ApComplaint,
        _ => null,
    };
}

/// <summary>
/// One row per request with its status and current deadline (computed by the deadline engine), for the victim's
/// timeline, the operators' due/overdue lists and the statistics. Inline: the row is current when the append commits.
/// </summary>
public sealed class RequestOverviewProjection(string schema, DeadlineEngine engine) : TableProjection
{
    public override string Name => "request-overview";

    public override async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        var streams = events
            .Select(e => (e.StreamId, Kind: RequestKinds.Of(e.Data)))
            .Where(s => s.Kind is not null)
            .Distinct()
            .ToList();
        if (streams.Count == 0)
        {
            return;
        }
        // One read for every stream the events touched; the upserts go out in the session's batch: a batch of webhooks
        // for many reports costs one round trip more, not two per report.
        var loaded = await WholeStreamsAsync(operations, events, [.. streams.Select(s => s.StreamId).Distinct()], cancellation);
        foreach (var (streamId, kind) in streams)
        {
            if (!loaded.TryGetValue(streamId, out var stream))
            {
                continue;
            }
            var row = kind switch
            {
                RequestKinds.Erasure => Erasure(stream),
                RequestKinds.Platform => Platform(stream),
                _ => Complaint(stream),
            };
            Upsert(operations, row);
        }
    }

    private Row Erasure(IReadOnlyList<IEvent> stream)
    {
        var state = stream.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
        var drafted = stream.Select(e => e.Data).OfType<ErasureRequestDrafted>().First();
        var sentAt = stream.Select(e => e.Data).OfType<ErasureRequestSent>().LastOrDefault()?.SentAt;
        var answered = stream.Select(e => e.Data).OfType<ErasureRequestAnswered>().LastOrDefault();
        var deadline = state.AnswerDeadline(engine);
        var open = state.Status is ErasureRequestStatus.Drafted or ErasureRequestStatus.Approved or ErasureRequestStatus.Sent
            or ErasureRequestStatus.DeadlineMissed;
        return new Row(
            state.Id, state.CaseId, RequestKinds.Erasure, state.Status.ToString(), open, drafted.ControllerName, null,
            stream[0].Timestamp, sentAt, answered?.AnsweredAt, state.Outcome?.ToString(),
            state.Status is ErasureRequestStatus.Sent or ErasureRequestStatus.DeadlineMissed ? deadline : null,
            NeedsOperator: state.Status == ErasureRequestStatus.DeadlineMissed,
            AnsweredInTime: answered is not null && deadline is not null ? answered.AnsweredAt <= deadline.DueAt : null,
            stream[^1].Timestamp, stream.Count);
    }

    private Row Platform(IReadOnlyList<IEvent> stream)
    {
        var state = stream.Aggregate(PlatformReport.Initial, (s, e) => PlatformReport.Evolve(s, e.Data));
        // After a refusal the DSA Art. 20 window is what runs, but only until a complaint was lodged: a refusal upheld
        // after the complaint opens no second window.
        var deadline = state.Status == PlatformReportStatus.Filed ? state.ResponseDeadline(engine)
            : state.Status == PlatformReportStatus.Refused && state.ComplaintLodgedAt is null ? state.InternalComplaintWindow(engine)
            : null;
        var open = state.Status is PlatformReportStatus.Drafted or PlatformReportStatus.Approved or PlatformReportStatus.Filed
            or PlatformReportStatus.Refused or PlatformReportStatus.InternalComplaint;
        return new Row(
            state.Id, state.CaseId, RequestKinds.Platform, state.Status.ToString(), open, state.Platform, state.Category.ToString(),
            stream[0].Timestamp, state.FiledAt, state.FirstDecisionAt,
            state.Status is PlatformReportStatus.Removed or PlatformReportStatus.Restricted or PlatformReportStatus.Refused ? state.Status.ToString() : null,
            deadline,
            NeedsOperator: state.TargetMissed && state.Status == PlatformReportStatus.Filed,
            AnsweredInTime: state.ResponseTime is { } && state.ResponseDeadline(engine) is { } due ? state.FirstDecisionAt <= due.DueAt : null,
            stream[^1].Timestamp, stream.Count);
    }

    private Row Complaint(IReadOnlyList<IEvent> stream)
    {
        var state = stream.Aggregate(ApComplaint.Initial, (s, e) => ApComplaint.Evolve(s, e.Data));
        // Sent is the day the AP received the complaint (GDPR Art. 78(2) runs from it), not when it was recorded here.
        var lodged = state.LodgedOn is { } on ? engine.StartOfDay(on, DeadlineEngine.VictimCountry) : state.LodgedAt;
        return new Row(
            state.Id, state.CaseId, RequestKinds.ApComplaint, state.Status.ToString(), state.Status != ApComplaintStatus.Decided,
            "Autoriteit Persoonsgegevens", null, stream[0].Timestamp, lodged, null, state.Decision?.ToString(),
            state.ProgressDeadline(engine),
            NeedsOperator: state.Status is ApComplaintStatus.Prepared or ApComplaintStatus.Reviewed,
            AnsweredInTime: null, stream[^1].Timestamp, stream.Count);
    }

    private void Upsert(IDocumentOperations operations, Row row) =>
        Queue(operations, $"""
            INSERT INTO {schema}.request_overview (id, case_id, kind, status, is_open, counterparty, category, opened_at,
                sent_at, answered_at, outcome, deadline_kind, due_date, due_at, explanation_nl, explanation_en, needs_operator,
                answered_in_time, updated_at, version)
            VALUES (@id, @case, @kind, @status, @open, @counterparty, @category, @opened, @sent, @answered, @outcome,
                @dkind, @ddate, @dat, @nl, @en, @operator, @intime, @updated, @version)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, is_open = excluded.is_open, sent_at = excluded.sent_at,
                answered_at = excluded.answered_at, outcome = excluded.outcome, deadline_kind = excluded.deadline_kind,
                due_date = excluded.due_date, due_at = excluded.due_at, explanation_nl = excluded.explanation_nl,
                explanation_en = excluded.explanation_en, needs_operator = excluded.needs_operator,
                answered_in_time = excluded.answered_in_time, updated_at = excluded.updated_at, version = excluded.version
            WHERE {schema}.request_overview.version < excluded.version
            """,
            ("id", row.Id), ("case", row.CaseId), ("kind", row.Kind), ("status", row.Status), ("open", row.IsOpen),
            ("counterparty", row.Counterparty), ("category", row.Category), ("opened", row.OpenedAt.ToUniversalTime()),
            ("sent", row.SentAt?.ToUniversalTime()), ("answered", row.AnsweredAt?.ToUniversalTime()), ("outcome", row.Outcome),
            ("dkind", row.Deadline?.Kind), ("ddate", row.Deadline?.DueDate),
            // PostgreSQL stores instants: the deadline's local end of day is written as UTC.
            ("dat", row.Deadline?.DueAt.ToUniversalTime()), ("nl", row.Deadline?.Explanation.Nl), ("en", row.Deadline?.Explanation.En),
            ("operator", row.NeedsOperator), ("intime", row.AnsweredInTime), ("updated", row.UpdatedAt.ToUniversalTime()), ("version", row.Version));

    private sealed record Row(
        Guid Id, Guid CaseId, string Kind, string Status, bool IsOpen, string Counterparty, string? Category,
        DateTimeOffset OpenedAt, DateTimeOffset? SentAt, DateTimeOffset? AnsweredAt, string? Outcome, Deadline? Deadline,
        bool NeedsOperator, bool? AnsweredInTime, DateTimeOffset UpdatedAt, long Version);
}
