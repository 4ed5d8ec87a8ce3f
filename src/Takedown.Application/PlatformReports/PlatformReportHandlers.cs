using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;
using Takedown.Messaging;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Reports;

namespace Takedown.Application.PlatformReports;

/// <summary>
/// Files a drafted report with its platform's report API. The Idempotency-Key is derived from the report, so a
/// retried filing (a lost answer, a crash after the call) never files twice. Transient failures are retried by the
/// messaging engine; a permanent refusal of the request itself is dead-lettered for an operator.
/// </summary>
public static class FilePlatformReportHandler
{
    public static async Task HandleAsync(
        FileWithPlatform message, MessageContext context, EventStore.EventStore store, IPlatformReportApis platforms, DeadlineEngine engine,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(platforms);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var stream = await session.Events.FetchForWritingAsync(message.ReportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken);
        var report = stream.Aggregate;
        if (report.Status != PlatformReportStatus.Drafted)
        {
            return;
        }
        FiledNotice filed;
        try
        {
            filed = await platforms.ForPlatform(report.Platform).FileNoticeAsync(
                new DsaNotice(
                    report.Id.ToString("N"), report.Urls, report.Explanation, report.Category.ToString(),
                    new NotifierContact(report.NotifierName, report.NotifierEmail), DsaNotice.StandardGoodFaithStatement),
                IdempotencyKeys.For(report.Id, "file"), cancellationToken);
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
            context.Schedule(new CheckPlatformResponse(report.Id), due.DueAt);
        }
        await session.SaveChangesAsync(cancellationToken);
        TakedownMetrics.PlatformReportsFiled.Add(1, new KeyValuePair<string, object?>("category", report.Category.ToString()));
    }
}

/// <summary>At the platform's response target: a report still undecided goes to the operators' queue.</summary>
public static class CheckPlatformResponseHandler
{
    public static async Task HandleAsync(
        CheckPlatformResponse message, MessageContext context, EventStore.EventStore store, DeadlineEngine engine, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var stream = await session.Events.FetchForWritingAsync(message.ReportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken);
        var report = stream.Aggregate;
        if (report.Status != PlatformReportStatus.Filed || report.TargetMissed || report.FirstDecisionAt is not null)
        {
            return;
        }
        var due = report.ResponseDeadline(engine)!;
        if (!due.IsExpiredAt(time.GetUtcNow()))
        {
            context.Schedule(message, due.DueAt);
            return;
        }
        stream.AppendMany(PlatformReport.Decide(new MarkResponseTargetMissed(report.Id, time.GetUtcNow()), report, engine));
        await session.SaveChangesAsync(cancellationToken);
    }
}
