using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application.ReadModels;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application;

/// <summary>
/// Takedown's own spans and metrics (source and meter "Takedown", exported by the hosts' telemetry). Labels are
/// kinds, outcomes, countries and counterparties (companies and platforms), never a person, an address or a URL.
/// In Prometheus (through the collector) dots become underscores, counters end in <c>_total</c> and units are
/// suffixed: <c>takedown_deadlines_missed_total</c>, <c>takedown_time_to_answer_days_bucket</c>.
/// </summary>
public static class TakedownMetrics
{
    public const string Name = "Takedown";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> DeadlinesMissed = Meter.CreateCounter<long>("takedown.deadlines.missed", description: "Erasure request deadlines that passed without an answer");

    public static readonly Counter<long> DeadlineWarnings = Meter.CreateCounter<long>("takedown.deadlines.warnings", description: "Warning points reached before a deadline");

    public static readonly Counter<long> LettersSent = Meter.CreateCounter<long>("takedown.letters.sent", description: "Letters accepted by the SMTP server");

    public static readonly Counter<long> LettersFailed = Meter.CreateCounter<long>("takedown.letters.failed", description: "Letters refused for good by the SMTP server");

    public static readonly Counter<long> PlatformReportsFiled = Meter.CreateCounter<long>("takedown.platform_reports.filed", description: "Notices filed with platforms");

    /// <summary>Labels <c>kind</c> (erasure, platform), <c>counterparty</c> (the company or platform) and <c>outcome</c>.</summary>
    public static readonly Histogram<double> TimeToAnswer = Meter.CreateHistogram<double>(
        "takedown.time_to_answer", unit: "d", description: "Days from sending to the counterparty's first answer or decision",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 3, 7, 14, 21, 30, 45, 60, 90] });

    /// <summary>
    /// Webhook deliveries received and sent: label <c>direction</c> (<c>in</c>, <c>out</c>), <c>integration</c> (the
    /// configured name of the sender or of the partner owning the subscription; <c>unknown</c> for a name nobody
    /// configured), <c>outcome</c> and, for a rejected incoming one, <c>reason</c>. Record through
    /// <see cref="RecordIncomingWebhook"/> and <see cref="RecordOutgoingWebhook"/>, which keep the labels to fixed words.
    /// </summary>
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("takedown.webhooks.deliveries", description: "Webhook deliveries received or sent");

    /// <summary>
    /// One incoming webhook: <paramref name="outcome"/> is <c>accepted</c>, <c>duplicate</c>, <c>ignored</c> or
    /// <c>rejected</c>, the latter with a fixed <paramref name="reason"/> (never a value from the request).
    /// </summary>
    public static void RecordIncomingWebhook(string integration, string outcome, string? reason = null)
    {
        if (reason is null)
        {
            WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("direction", "in"), new KeyValuePair<string, object?>("integration", integration),
                new KeyValuePair<string, object?>("outcome", outcome));
            return;
        }
        WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("direction", "in"), new KeyValuePair<string, object?>("integration", integration),
            new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>
    /// One try of an outgoing webhook: <paramref name="outcome"/> is <c>delivered</c>, <c>failed</c> (it is retried, or
    /// dead after the last try) or <c>disabled</c> (this failed try switched the subscription off).
    /// </summary>
    public static void RecordOutgoingWebhook(string integration, string outcome) =>
        WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("direction", "out"), new KeyValuePair<string, object?>("integration", integration),
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Incoming status updates taken from the inbox, by <c>outcome</c> (applied, nochange, stale, conflict, failed).</summary>
    public static readonly Counter<long> WebhooksApplied = Meter.CreateCounter<long>("takedown.webhooks.applied", description: "Incoming status updates applied from the inbox, by outcome");

    public static readonly ObservableGauge<long> RequestsOpen = Meter.CreateObservableGauge(
        "takedown.requests.open", () => OperationalGauges.Observe(s => s.OpenRequests), unit: "{request}",
        description: "Open requests by kind and status (from request_overview)");

    public static readonly ObservableGauge<long> OutboxDepth = Meter.CreateObservableGauge(
        "takedown.outbox.depth", () => OperationalGauges.Observe(s => s.OutboxDepth), unit: "{message}",
        description: "Messages in the outbox: state due (waiting for a worker) or scheduled (in the future)");

    public static readonly ObservableGauge<double> OutboxOldestDueAge = Meter.CreateObservableGauge(
        "takedown.outbox.oldest_due_age", () => OperationalGauges.Observe(s => s.OldestDueAge), unit: "s",
        description: "How long the oldest due message has been waiting");

    public static readonly ObservableGauge<long> DeadLetters = Meter.CreateObservableGauge(
        "takedown.dead_letters", () => OperationalGauges.Observe(s => s.DeadLetters), unit: "{message}",
        description: "Messages waiting in the dead letters for an operator");

    public static readonly ObservableGauge<long> WebhookInbox = Meter.CreateObservableGauge(
        "takedown.webhooks.inbox", () => OperationalGauges.Observe(s => s.WebhookInbox), unit: "{webhook}",
        description: "Incoming status updates in the inbox: state pending (not yet applied) or failed (waiting for an operator)");

    /// <summary>Records a request's first answer or decision (called by <see cref="AnswerTimeProjection"/>).</summary>
    public static void RecordAnswer(string kind, string counterparty, string outcome, DateTimeOffset sentAt, DateTimeOffset answeredAt) =>
        TimeToAnswer.Record(
            Math.Max(0, (answeredAt - sentAt).TotalDays),
            new KeyValuePair<string, object?>("kind", kind),
            new KeyValuePair<string, object?>("counterparty", counterparty),
            new KeyValuePair<string, object?>("outcome", outcome));
}

/// <summary>
/// Records <see cref="TakedownMetrics.TimeToAnswer"/> when a request's first answer or decision is appended. Inline,
/// so it sees each event once, in the appending process; it keeps no read model, so a rebuild has nothing to do.
/// </summary>
public sealed class AnswerTimeProjection : TableProjection
{
    public override string Name => "answer-time-metrics";

    public override async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        var answers = events.Where(e => IsAnswer(e.Data)).ToList();
        if (answers.Count == 0)
        {
            return;
        }
        var streams = await WholeStreamsAsync(operations, events, [.. answers.Select(e => e.StreamId).Distinct()], cancellation);
        foreach (var answer in answers)
        {
            var stream = streams[answer.StreamId];
            // Only the first answer counts: a later decision (restricted after removed) is not a second answer.
            if (stream.FirstOrDefault(e => IsAnswer(e.Data)) is not { } first || first.Id != answer.Id)
            {
                continue;
            }
            switch (answer.Data)
            {
                case ErasureRequestAnswered a when stream.Select(e => e.Data).OfType<ErasureRequestSent>().FirstOrDefault() is { } sent:
                    var drafted = stream.Select(e => e.Data).OfType<ErasureRequestDrafted>().First();
                    TakedownMetrics.RecordAnswer(RequestKinds.Erasure, drafted.ControllerName, a.Outcome.ToString(), sent.SentAt, a.AnsweredAt);
                    break;
                case var decision when FiledAt(stream) is { } filedAt:
                    var report = stream.Select(e => e.Data).OfType<PlatformReportDrafted>().First();
                    var (outcome, at) = decision switch
                    {
                        ContentRemoved r => ("Removed", r.RemovedAt),
                        ContentRestricted r => ("Restricted", r.RestrictedAt),
                        ContentRemovalRefused r => ("Refused", r.RefusedAt),
                        _ => ("", default(DateTimeOffset)),
                    };
                    TakedownMetrics.RecordAnswer(RequestKinds.Platform, report.Platform, outcome, filedAt, at);
                    break;
            }
        }
    }

    private static DateTimeOffset? FiledAt(IReadOnlyList<IEvent> stream) => stream.Select(e => e.Data).FirstOrDefault(d => d is PlatformReportFiled or PlatformReportFiledByEmail) switch
    {
        PlatformReportFiled f => f.FiledAt,
        PlatformReportFiledByEmail f => f.FiledAt,
        _ => null,
    };

    private static bool IsAnswer(object data) => data is ErasureRequestAnswered or ContentRemoved or ContentRestricted or ContentRemovalRefused;
}

/// <summary>
/// Feeds the observable gauges (open requests, outbox depth and age, dead letters, the webhook inbox) from the database. Read only when
/// a metrics exporter collects, and at most every <see cref="MaxAge"/>: a dashboard never costs more than two small
/// queries a half minute per process. Every process reports the same figures, so dashboards take their max.
/// </summary>
public sealed class OperationalGauges(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time) : IHostedService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private static readonly Lock Gate = new();
    private static readonly List<OperationalGauges> Active = [];

    private Snapshot? _snapshot;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private int _reading;

    /// <summary>The last figures read (null before the first read).</summary>
    public Snapshot? Current => _snapshot;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Creates the instruments (static fields) before the first collection.
        _ = TakedownMetrics.RequestsOpen;
        lock (Gate)
        {
            Active.Add(this);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            Active.Remove(this);
        }
        return Task.CompletedTask;
    }

    internal static IEnumerable<Measurement<T>> Observe<T>(Func<Snapshot, IEnumerable<Measurement<T>>> select) where T : struct
    {
        List<OperationalGauges> active;
        lock (Gate)
        {
            active = [.. Active];
        }
        var measurements = new List<Measurement<T>>();
        foreach (var gauges in active)
        {
            gauges.RefreshIfStale();
            if (gauges._snapshot is { } snapshot)
            {
                measurements.AddRange(select(snapshot));
            }
        }
        return measurements;
    }

    private void RefreshIfStale()
    {
        if (time.GetUtcNow() - _readAt < MaxAge || Interlocked.Exchange(ref _reading, 1) == 1)
        {
            return;
        }
        // Collection callbacks are synchronous and must not wait on the database: read in the background and report
        // the fresh figures at the next collection.
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database is away: keep reporting the last figures; the readiness check tells the rest.
            }
            finally
            {
                Volatile.Write(ref _reading, 0);
            }
        });
    }

    private bool _wolverineTables;

    /// <summary>Whether Wolverine's tables and deadline queue exist yet (they are made when a Wolverine host first starts).</summary>
    private async Task<bool> WolverineTablesExistAsync(CancellationToken cancellationToken)
    {
        if (!_wolverineTables)
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT to_regclass('{options.MessageSchema}.wolverine_incoming_envelopes') IS NOT NULL AND to_regclass('{options.MessageSchema}.wolverine_queue_deadlines_scheduled') IS NOT NULL");
            _wolverineTables = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        return _wolverineTables;
    }

    /// <summary>Reads the figures now.</summary>
    public async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var schema = options.Schema;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"SELECT kind, status, count(*) FROM {schema}.request_overview WHERE is_open GROUP BY kind, status"));
        var outbox = new NpgsqlBatchCommand(
            $"""
            SELECT count(*) FILTER (WHERE scheduled_at <= @now), count(*) FILTER (WHERE scheduled_at > @now),
                   min(scheduled_at) FILTER (WHERE scheduled_at <= @now),
                   (SELECT count(*) FROM {schema}.dead_letters),
                   (SELECT count(*) FROM {schema}.webhook_inbox WHERE outcome = 'pending'),
                   (SELECT count(*) FROM {schema}.webhook_inbox WHERE outcome = 'failed')
              FROM {schema}.messages
            """);
        outbox.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(outbox);
        var wolverine = await WolverineTablesExistAsync(cancellationToken);
        if (wolverine)
        {
            // Wolverine's messages: scheduled ones wait in its inbox (or a queue's scheduled table), due ones in the queue
            // or the inbox until handled; its dead letters beside ours.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                SELECT (SELECT count(*) FROM {options.MessageSchema}.wolverine_incoming_envelopes WHERE status = 'Incoming')
                     + (SELECT count(*) FROM {options.MessageSchema}.wolverine_queue_deadlines),
                       (SELECT count(*) FROM {options.MessageSchema}.wolverine_incoming_envelopes WHERE status = 'Scheduled')
                     + (SELECT count(*) FROM {options.MessageSchema}.wolverine_queue_deadlines_scheduled),
                       (SELECT count(*) FROM {options.MessageSchema}.wolverine_dead_letters)
                """));
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var open = new List<Measurement<long>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            open.Add(new Measurement<long>(reader.GetInt64(2),
                new KeyValuePair<string, object?>("kind", reader.GetString(0)), new KeyValuePair<string, object?>("status", reader.GetString(1))));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var oldest = reader.IsDBNull(2) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(2);
        var (due, scheduled, dead) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(3));
        var (inboxPending, inboxFailed) = (reader.GetInt64(4), reader.GetInt64(5));
        if (wolverine)
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (due, scheduled, dead) = (due + reader.GetInt64(0), scheduled + reader.GetInt64(1), dead + reader.GetInt64(2));
        }
        var snapshot = new Snapshot(
            open,
            [
                new Measurement<long>(due, new KeyValuePair<string, object?>("state", "due")),
                new Measurement<long>(scheduled, new KeyValuePair<string, object?>("state", "scheduled")),
            ],
            [new Measurement<double>(oldest is { } o ? Math.Max(0, (now - o).TotalSeconds) : 0)],
            [new Measurement<long>(dead)],
            [
                new Measurement<long>(inboxPending, new KeyValuePair<string, object?>("state", "pending")),
                new Measurement<long>(inboxFailed, new KeyValuePair<string, object?>("state", "failed")),
            ]);
        _snapshot = snapshot;
        _readAt = now;
        return snapshot;
    }

    /// <summary>One reading of the gauges.</summary>
    public sealed record Snapshot(
        IReadOnlyList<Measurement<long>> OpenRequests,
        IReadOnlyList<Measurement<long>> OutboxDepth,
        IReadOnlyList<Measurement<double>> OldestDueAge,
        IReadOnlyList<Measurement<long>> DeadLetters,
        IReadOnlyList<Measurement<long>> WebhookInbox);
}
