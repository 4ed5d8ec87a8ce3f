using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Reports;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Persistence;
using Wolverine.Runtime;
using MessageContext = Takedown.Messaging.MessageContext;

namespace Takedown.Application.PlatformReports;

/// <summary>
/// Files an approved report with its platform's report API. The notice is rebuilt from the report and must have the
/// hash that was approved, so what is filed is what the victim saw. The Idempotency-Key is derived from the report, so
/// a retried filing (a lost answer, a crash after the call) never files twice. Transient failures are retried by the
/// messaging engine; a permanent refusal of the request itself is dead-lettered for an operator.
/// </summary>
public static class FilePlatformReportHandler
{
    public static async Task HandleAsync(
        FileWithPlatform message, MessageContext context, IDocumentStore store, IPlatformReportApis platforms, DeadlineEngine engine,
        TimeProvider time, IWolverineRuntime wolverine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(platforms);
        var session = store.OpenSession(context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var stream = await session.FetchForWritingAsync(message.ReportId, PlatformReport.Initial, cancellationToken);
        var report = stream.Aggregate;
        // Only an approved report is filed: a draft waits for the victim, a filed or closed one is done.
        if (report.Status != PlatformReportStatus.Approved)
        {
            return;
        }
        var notice = PlatformNotices.NoticeFor(report);
        if (notice.ContentSha256() != report.ApprovedNoticeSha256)
        {
            throw new PermanentFailureException("The notice is no longer the text that was approved; it must be approved again.");
        }
        FiledNotice filed;
        try
        {
            filed = await platforms.ForPlatform(report.Platform).FileNoticeAsync(notice, IdempotencyKeys.For(report.Id, "file"), cancellationToken);
        }
        catch (PlatformRequestException e) when (!e.IsTransient)
        {
            throw new PermanentFailureException($"The platform refused the filing request ({(int?)e.StatusCode}).", e);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or IncompleteNoticeException)
        {
            throw new PermanentFailureException("The report cannot be filed by API: " + e.GetType().Name, e);
        }
        var now = time.GetUtcNow();
        var events = PlatformReport.Decide(new Domain.PlatformReports.FilePlatformReport(report.Id, filed.TicketId, now), report, engine).ToList();
        var afterFiling = events.Aggregate(report, PlatformReport.Evolve);
        if (filed.State == NoticeState.Refused)
        {
            events.AddRange(PlatformReport.Decide(new RecordContentRemovalRefused(report.Id, filed.StatementOfReasons ?? "", now), afterFiling, engine));
        }
        else if (filed.State == NoticeState.ContentRemoved)
        {
            events.AddRange(PlatformReport.Decide(new RecordContentRemoved(report.Id, now), afterFiling, engine));
        }
        stream.AppendMany(events);
        if (afterFiling.ResponseDeadline(engine) is { } due && filed.State is not (NoticeState.Refused or NoticeState.ContentRemoved))
        {
            await (await context.WolverineOutboxAsync(wolverine)).ScheduleAtAsync(new CheckPlatformResponse(report.Id), due.DueAt, time);
        }
        await session.SaveChangesAsync(cancellationToken);
        TakedownMetrics.PlatformReportsFiled.Add(1,
            new KeyValuePair<string, object?>("category", report.Category.ToString()), new KeyValuePair<string, object?>("channel", "api"));
    }
}

/// <summary>
/// Files a lodged internal complaint (DSA Art. 20) with the platform's report API, with an Idempotency-Key derived
/// from the report as for the filing, and records the platform's receipt. The platform's new decision arrives later
/// as a status update of the notice.
/// </summary>
public static class FileInternalComplaintHandler
{
    public static async Task HandleAsync(
        FileInternalComplaint message, MessageContext context, IDocumentStore store, IPlatformReportApis platforms, DeadlineEngine engine,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(platforms);
        var session = store.OpenSession(context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var stream = await session.FetchForWritingAsync(message.ReportId, PlatformReport.Initial, cancellationToken);
        var report = stream.Aggregate;
        if (report.ComplaintLodgedAt is null || report.ComplaintId is not null || report.Status == PlatformReportStatus.Closed)
        {
            return;
        }
        if (report.TicketId is not { } ticket)
        {
            throw new PermanentFailureException("The report has no ticket with a report API: its internal complaint cannot be filed by API.");
        }
        var grounds = (await session.Events.FetchStreamAsync(report.Id, token: cancellationToken)).Select(e => e.Data).OfType<InternalComplaintLodged>().Last().Grounds;
        FiledComplaint filed;
        try
        {
            filed = await platforms.ForPlatform(report.Platform).FileComplaintAsync(
                ticket, new InternalComplaint(report.Id.ToString("N"), grounds), IdempotencyKeys.For(report.Id, "complaint"), cancellationToken);
        }
        catch (PlatformRequestException e) when (!e.IsTransient)
        {
            throw new PermanentFailureException($"The platform refused the complaint ({(int?)e.StatusCode}).", e);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new PermanentFailureException("The complaint cannot be filed by API: " + e.GetType().Name, e);
        }
        stream.AppendMany(PlatformReport.Decide(new RecordInternalComplaintFiled(report.Id, filed.ComplaintId, time.GetUtcNow()), report, engine));
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>
/// At the platform's response target: a report still undecided goes to the operators' queue. A check that comes early
/// (the target moved) is sent again for the target; one that finds the report decided does nothing. Wolverine loads the
/// report for writing (<c>[WriteAggregate]</c>), appends the events returned and sends the messages, in one transaction.
/// </summary>
public static class CheckPlatformResponseHandler
{
    /// <summary>The decision, a pure function of the report and the time.</summary>
    public static (Events, OutgoingMessages) Handle(
        CheckPlatformResponse message, [WriteAggregate(nameof(CheckPlatformResponse.ReportId), OnMissing = OnMissing.ThrowException)] PlatformReport report, DeadlineEngine engine,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(time);
        var events = new Events();
        var messages = new OutgoingMessages();
        if (report.Status != PlatformReportStatus.Filed || report.TargetMissed || report.FirstDecisionAt is not null)
        {
            return (events, messages);
        }
        var now = time.GetUtcNow();
        var due = report.ResponseDeadline(engine)!;
        if (!due.IsExpiredAt(now))
        {
            messages.Add(DeadlineScheduling.At(message, due.DueAt, time));
            return (events, messages);
        }
        events.AddRange(PlatformReport.Decide(new MarkResponseTargetMissed(report.Id, now), report, engine));
        return (events, messages);
    }
}
