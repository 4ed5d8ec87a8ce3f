using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Messaging;

namespace Takedown.Benchmarks.Messaging;

[MessageType("bench-ping")]
public sealed record BenchPing(int N);

/// <summary>Counts handled messages and how late each was against its due time.</summary>
public sealed class BenchProbe
{
    private int _handled;

    public int Target { get; set; }

    public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentBag<double> LatenessMs { get; } = [];

    public void Reset(int target)
    {
        _handled = 0;
        Target = target;
        Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LatenessMs.Clear();
    }

    public void Handled(TimeSpan lateness)
    {
        LatenessMs.Add(lateness.TotalMilliseconds);
        if (Interlocked.Increment(ref _handled) == Target)
        {
            Done.TrySetResult();
        }
    }
}

/// <summary>No work beyond noting the message: the benchmark measures the engine, not a handler.</summary>
public static class BenchPingHandler
{
    public static void Handle(BenchPing message, MessageContext context, BenchProbe probe, TimeProvider time) =>
        probe.Handled(time.GetUtcNow() - context.ScheduledAt);
}

/// <summary>
/// Messaging figures for docs/benchmarks.md: end-to-end throughput against a bare SKIP LOCKED loop, due-to-handled
/// delay of scheduled messages, and the due-message lookup with 10,000 and 1,000,000 future messages.
/// </summary>
public static class MessagingBenchmark
{
    private const int ThroughputMessages = 20_000;
    private const int LatencyMessages = 400;

    public static async Task<string> RunAsync(string connectionString)
    {
        var report = new StringBuilder();
        report.AppendLine("## Messaging (outbox, scheduled messages, workers)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL: {await SettingsAsync(connectionString)}; {Environment.ProcessorCount} cores shared by client and server; one run.");
        report.AppendLine();

        var bare1 = await BareLoopAsync(connectionString, loops: 1);
        var engine1 = await EngineThroughputAsync(connectionString, workers: 1);
        var bare2 = await BareLoopAsync(connectionString, loops: 2);
        var engine2 = await EngineThroughputAsync(connectionString, workers: 2);
        report.AppendLine(CultureInfo.InvariantCulture, $"### Throughput ({ThroughputMessages:N0} messages queued, then drained)");
        report.AppendLine();
        report.AppendLine("| Consumer | Messages/s | vs bare loop (same connections) |");
        report.AppendLine("|---|---:|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Bare `DELETE … FOR UPDATE SKIP LOCKED LIMIT 1` loop, 1 connection | {bare1:N0} | 1.00× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Bare loop, 2 connections | {bare2:N0} | 1.00× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Engine, 1 worker process (2 loops, batch 20) | {engine1:N0} | {engine1 / bare2:0.00}× of 2-connection bare loop ({engine1 / bare1:0.00}× of 1) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Engine, 2 worker processes (2 loops each) | {engine2:N0} | {engine2 / bare2:0.00}× of 2-connection bare loop |");
        report.AppendLine();
        report.AppendLine("The engine's figure is end to end: each worker is a process of its own, started and idle before the 20,000 messages are committed in one transaction; the clock runs from that commit until the queue is empty. Per message: claim with lease, one transaction that records it in the processed table, deletes it and runs the (empty) handler resolved from DI.");
        report.AppendLine();

        var (median, p99, max) = await DueToHandledAsync(connectionString);
        report.AppendLine(CultureInfo.InvariantCulture, $"### Due-to-handled delay ({LatencyMessages} messages scheduled 1–9 s ahead, 1 worker idle)");
        report.AppendLine();
        report.AppendLine("| Median | 99th percentile | Max |");
        report.AppendLine("|---:|---:|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| {median:0.0} ms | {p99:0.0} ms | {max:0.0} ms |");
        report.AppendLine();

        var small = await DueLookupAsync(connectionString, 10_000);
        var large = await DueLookupAsync(connectionString, 1_000_000);
        report.AppendLine("### Finding due messages (20 due, the rest in the future; `EXPLAIN ANALYZE` execution time, median of 30, each rolled back)");
        report.AppendLine();
        report.AppendLine("| Future messages | Find due (`SELECT … FOR UPDATE SKIP LOCKED LIMIT 20`) | Whole claim (find + lease update) | Plan |");
        report.AppendLine("|---:|---:|---:|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| 10,000 | {small.FindMs:0.000} ms | {small.ClaimMs:0.000} ms | {small.Plan} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| 1,000,000 | {large.FindMs:0.000} ms | {large.ClaimMs:0.000} ms | {large.Plan} |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Ratio 1,000,000 / 10,000: find {large.FindMs / small.FindMs:0.00}×, whole claim {large.ClaimMs / small.ClaimMs:0.00}× (target ≤ 2×).");
        return report.ToString();
    }

    private static async Task<string> SettingsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes')",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<double> BareLoopAsync(string connectionString, int loops)
    {
        var schema = NewSchema("bare");
        await ExecuteAsync(connectionString,
            $"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.queue (id uuid PRIMARY KEY, body jsonb NOT NULL, scheduled_at timestamptz NOT NULL);
            CREATE INDEX ON {schema}.queue (scheduled_at);
            INSERT INTO {schema}.queue SELECT gen_random_uuid(), jsonb_build_object('n', i), now() FROM generate_series(1, {ThroughputMessages}) i;
            ANALYZE {schema}.queue;
            """);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var sql = $"""
            DELETE FROM {schema}.queue WHERE id = (
                SELECT id FROM {schema}.queue WHERE scheduled_at <= now() ORDER BY scheduled_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, body
            """;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            while (true)
            {
                bool dequeued;
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    dequeued = await reader.ReadAsync();
                }
                if (!dequeued)
                {
                    // Empty is only final when no other loop still holds rows locked.
                    if (await CountAsync(connection, $"SELECT count(*) FROM {schema}.queue") == 0)
                    {
                        return;
                    }
                }
            }
        }));
        var elapsed = watch.Elapsed;
        await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        return ThroughputMessages / elapsed.TotalSeconds;
    }

    /// <summary>
    /// Worker processes (this program started again in worker mode) wait on an empty queue; the 20,000 messages are
    /// then committed in one transaction and the clock runs from the start of that commit until the queue is empty.
    /// </summary>
    private static async Task<double> EngineThroughputAsync(string connectionString, int workers)
    {
        var schema = NewSchema("engine");
        var messages = Enumerable.Range(0, ThroughputMessages).Select(n => (object)new BenchPing(n)).ToList();
        await using var publisher = await Host.StartAsync(connectionString, schema, new BenchProbe(), worker: false);
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                processes.Add(await StartWorkerProcessAsync(connectionString, schema));
            }
            var watch = await publisher.PublishTimedAsync(messages);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (await CountAsync(connection, $"SELECT count(*) FROM {schema}.messages") > 0)
            {
                await Task.Delay(10);
            }
            var elapsed = watch.Elapsed;
            var handled = await CountAsync(connection, $"SELECT count(*) FROM {schema}.processed_messages");
            if (handled != ThroughputMessages)
            {
                throw new InvalidOperationException($"{handled} of {ThroughputMessages} messages recorded as handled");
            }
            return ThroughputMessages / elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.StandardInput.DisposeAsync(); // closing stdin stops the worker gracefully
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                }
                process.Dispose();
            }
            await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    private static async Task<Process> StartWorkerProcessAsync(string connectionString, string schema)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MessagingBenchmark).Assembly.Location);
        }
        start.ArgumentList.Add(WorkerMode);
        start.ArgumentList.Add(schema);
        start.Environment["TAKEDOWN_BENCH_WORKER_POSTGRES"] = connectionString;
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return line == "ready" ? process : throw new InvalidOperationException($"worker process did not start: {line}");
    }

    /// <summary>The argument that makes this program a worker process for the throughput figure.</summary>
    public const string WorkerMode = "messaging-worker";

    /// <summary>Runs one worker host on the schema until standard input closes.</summary>
    public static async Task RunWorkerProcessAsync(string schema)
    {
        var connectionString = Environment.GetEnvironmentVariable("TAKEDOWN_BENCH_WORKER_POSTGRES")!;
        var probe = new BenchProbe();
        probe.Reset(int.MaxValue);
        await using var host = await Host.StartAsync(connectionString, schema, probe, worker: true);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
    }

    private static async Task<(double Median, double P99, double Max)> DueToHandledAsync(string connectionString)
    {
        var schema = NewSchema("due");
        var probe = new BenchProbe();
        probe.Reset(LatencyMessages);
        await using (var host = await Host.StartAsync(connectionString, schema, probe, worker: true))
        {
            var now = DateTimeOffset.UtcNow;
            var random = new Random(42);
            await host.PublishScheduledAsync(Enumerable.Range(0, LatencyMessages)
                .Select(n => ((object)new BenchPing(n), now.AddSeconds(1) + TimeSpan.FromMilliseconds(random.Next(0, 8000)))));
            await probe.Done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        var sorted = probe.LatenessMs.Order().ToArray();
        return (Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted[^1]);
    }

    private static async Task<(double FindMs, double ClaimMs, string Plan)> DueLookupAsync(string connectionString, int future)
    {
        var schema = NewSchema("lookup");
        await using (var host = await Host.StartAsync(connectionString, schema, new BenchProbe(), worker: false))
        {
            // Inserted in one statement: the figure is about reading, the outbox insert path is measured above.
            await ExecuteAsync(connectionString,
                $"""
                INSERT INTO {schema}.messages (id, message_type, body, headers, scheduled_at, created_at)
                SELECT gen_random_uuid(), 'bench-ping', jsonb_build_object('n', i), '{"{}"}', now() + interval '1 hour' + i * interval '1 second', now()
                FROM generate_series(1, {future}) i;
                INSERT INTO {schema}.messages (id, message_type, body, headers, scheduled_at, created_at)
                SELECT gen_random_uuid(), 'bench-ping', jsonb_build_object('n', i), '{"{}"}', now() - interval '1 minute' + i * interval '1 millisecond', now()
                FROM generate_series(1, 20) i;
                """);
            await ExecuteAsync(connectionString, $"VACUUM ANALYZE {schema}.messages");
        }
        var sql = new MessagingSql(schema);
        var (find, plan) = await ExplainMedianAsync(connectionString, sql.FindDue);
        var (claim, _) = await ExplainMedianAsync(connectionString, sql.Claim);
        await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        return (find, claim, plan);
    }

    private static async Task<(double MedianMs, string Plan)> ExplainMedianAsync(string connectionString, string sql)
    {
        var times = new List<double>();
        var plan = "";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 31; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection, transaction);
            command.Parameters.AddWithValue("owner", "bench");
            command.Parameters.AddWithValue("until", DateTimeOffset.UtcNow.AddMinutes(5));
            command.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
            command.Parameters.AddWithValue("limit", 20);
            var json = (string)(await command.ExecuteScalarAsync())!;
            await transaction.RollbackAsync();
            if (i == 0)
            {
                plan = json.Contains("\"Index Name\": \"messages_due\"", StringComparison.Ordinal) && !json.Contains("Seq Scan", StringComparison.Ordinal)
                    ? "index scan on `messages_due` (scheduled_at)"
                    : "NOT an index range scan";
                continue; // the first run warms the cache
            }
            using var document = JsonDocument.Parse(json);
            times.Add(document.RootElement[0].GetProperty("Execution Time").GetDouble());
        }
        return (Percentile(times.Order().ToArray(), 0.5), plan);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string NewSchema(string prefix) => $"bench_{prefix}_{Guid.NewGuid():N}"[..30];

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The services a worker host would have, started by hand.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly List<IHostedService> _started = [];

        private Host(ServiceProvider services) => _services = services;

        public static async Task<Host> StartAsync(string connectionString, string schema, BenchProbe probe, bool worker)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(probe);
            services.AddMessaging(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = schema;
                o.Discover(typeof(MessagingBenchmark).Assembly);
            });
            if (worker)
            {
                services.AddMessageWorker();
            }
            var host = new Host(services.BuildServiceProvider());
            foreach (var hosted in host._services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                host._started.Add(hosted);
            }
            return host;
        }

        /// <summary>Publishes in one transaction and returns a stopwatch started at its commit.</summary>
        public async Task<Stopwatch> PublishTimedAsync(IEnumerable<object> messages)
        {
            var clock = new Stopwatch();
            await PublishScheduledAsync(messages.Select(m => (m, DateTimeOffset.MinValue)), clock);
            return clock;
        }

        public async Task PublishScheduledAsync(IEnumerable<(object Message, DateTimeOffset At)> messages, Stopwatch? startAtCommit = null)
        {
            await using var scope = _services.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
            foreach (var (message, at) in messages)
            {
                _ = at == DateTimeOffset.MinValue ? outbox.Publish(message) : outbox.Schedule(message, at);
            }
            await using var dataSource = NpgsqlDataSource.Create(ConnectionStringOf(_services));
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.SaveAsync(connection, transaction);
            startAtCommit?.Start();
            await transaction.CommitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var hosted in Enumerable.Reverse(_started))
            {
                await hosted.StopAsync(CancellationToken.None);
            }
            await _services.DisposeAsync();
        }

        private static string ConnectionStringOf(ServiceProvider services) =>
            services.GetRequiredService<MessagingRuntime>().Options.ConnectionString;
    }
}
