using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JasperFx.Resources;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Takedown.Application.Messaging;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Postgresql;

namespace Takedown.Benchmarks.Messaging;

/// <summary>
/// Deadline checks on Wolverine, with the engine as shipped (<see cref="WolverineSetup.ConfigureEngine"/>): how late a
/// scheduled message is handled after its instant, against Wolverine's default polling in the same run; and what it
/// costs to look for due messages when many wait far ahead.
/// </summary>
public static class WolverineBenchmark
{
    private const int LatencyMessages = 400;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);

    public static async Task<string> RunAsync(string connectionString)
    {
        var output = new StringBuilder();
        var ours = await LatenessAsync(connectionString, shipped: true);
        var defaults = await LatenessAsync(connectionString, shipped: false);
        output.AppendLine(CultureInfo.InvariantCulture, $"Lateness from due to handled, {LatencyMessages} scheduled messages due over 8 s, one node, {WarmUp.TotalSeconds:F0} s after it started:");
        output.AppendLine();
        output.AppendLine("| configuration | p50 | p99 | max |");
        output.AppendLine("| --- | ---: | ---: | ---: |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| shipped (100 ms polling) | {ours.Median:F0} ms | {ours.P99:F0} ms | {ours.Max:F0} ms |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| Wolverine's default (5 s polling) | {defaults.Median:F0} ms | {defaults.P99:F0} ms | {defaults.Max:F0} ms |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| ratio shipped / default (p99) | | {ours.P99 / defaults.P99:F2}× | |");
        output.AppendLine();

        var small = await DueLookupAsync(connectionString, 10_000);
        var large = await DueLookupAsync(connectionString, 1_000_000);
        output.AppendLine("Looking for due messages (Wolverine's own query, median of 30 runs) with many scheduled far ahead:");
        output.AppendLine();
        output.AppendLine("| scheduled ahead | median | plan |");
        output.AppendLine("| ---: | ---: | --- |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| 10,000 | {small.MedianMs:F3} ms | {small.Plan} |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| 1,000,000 | {large.MedianMs:F3} ms | {large.Plan} |");
        output.AppendLine(CultureInfo.InvariantCulture, $"| ratio 1,000,000 / 10,000 | {large.MedianMs / small.MedianMs:F2}× | |");
        return output.ToString();
    }

    private static async Task<(double Median, double P99, double Max)> LatenessAsync(string connectionString, bool shipped)
    {
        var schema = NewSchema(shipped ? "wl_ours" : "wl_default");
        var recorder = new Recorder(LatencyMessages);
        using (var host = await StartAsync(connectionString, schema, recorder, shipped))
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            // A node takes its durability agents (which look for due messages) from the leader a few seconds after it
            // starts: the steady state is measured, the start is reported separately below.
            await Task.Delay(WarmUp);
            var now = DateTimeOffset.UtcNow;
            var random = new Random(42);
            var probes = Enumerable.Range(0, LatencyMessages)
                .Select(n => new LatenessProbe(n, now.AddSeconds(5) + TimeSpan.FromMilliseconds(random.Next(0, 8000)))).ToList();
            // As the application schedules them: in a Marten session with Wolverine's outbox, 100 to a transaction. The
            // first is due 5 s ahead, after the last transaction has committed even on a busy machine.
            foreach (var chunk in probes.Chunk(100))
            {
                using var scope = host.Services.CreateScope();
                await using var session = store.LightweightSession();
                var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
                outbox.Enroll(session);
                foreach (var probe in chunk)
                {
                    await outbox.ScheduleAsync(probe, probe.DueAt);
                }
                await session.SaveChangesAsync();
            }
            await recorder.Done.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await host.StopAsync();
        }
        await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        var sorted = recorder.LatenessMs.Order().ToArray();
        // Where the late ones are: by second of due time, the worst lateness.
        var first = recorder.ByDueTime.Min(b => b.DueAt);
        Console.Error.WriteLine((shipped ? "shipped" : "default") + " worst lateness by second of due time: " + string.Join(", ",
            recorder.ByDueTime.GroupBy(b => (int)(b.DueAt - first).TotalSeconds).OrderBy(g => g.Key)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}s:{g.Max(b => b.LatenessMs):F0}"))));
        return (Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted[^1]);
    }

    private static async Task<(double MedianMs, string Plan)> DueLookupAsync(string connectionString, int future)
    {
        var schema = NewSchema("wl_lookup");
        using (var host = await StartAsync(connectionString, schema, new Recorder(0), shipped: true))
        {
            await host.StopAsync();
        }
        // Inserted in one statement: the figure is about reading; the scheduling path is measured above.
        await ExecuteAsync(connectionString,
            $"""
            INSERT INTO {schema}.wolverine_incoming_envelopes (id, status, owner_id, execution_time, attempts, body, message_type, received_at)
            SELECT gen_random_uuid(), 'Scheduled', 0, now() + interval '1 hour' + i * interval '1 second', 0, '\x00'::bytea, 'lateness-probe', 'postgresql://deadlines/'
            FROM generate_series(1, {future}) i;
            """);
        await ExecuteAsync(connectionString, $"VACUUM ANALYZE {schema}.wolverine_incoming_envelopes");
        var sql = $"""
            SELECT id, status, owner_id, execution_time, attempts, body, message_type, received_at
            FROM {schema}.wolverine_incoming_envelopes WHERE status = 'Scheduled' AND execution_time <= @now ORDER BY execution_time LIMIT 100
            """;
        var times = new List<double>();
        var plan = "";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            for (var i = 0; i < 31; i++)
            {
                await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection);
                command.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
                var json = (string)(await command.ExecuteScalarAsync())!;
                if (i == 0)
                {
                    plan = json.Contains("Seq Scan", StringComparison.Ordinal) ? "sequential scan" : "index scan";
                    continue; // the first run warms the cache
                }
                using var document = JsonDocument.Parse(json);
                times.Add(document.RootElement[0].GetProperty("Execution Time").GetDouble());
            }
        }
        await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        return (Percentile([.. times.Order()], 0.5), plan);
    }

    private static async Task<IHost> StartAsync(string connectionString, string schema, Recorder recorder, bool shipped)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(recorder);
        builder.Services.AddMarten(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = schema;
        }).IntegrateWithWolverine(w =>
        {
            w.MessageStorageSchemaName = schema;
            w.TransportSchemaName = schema;
        });
        builder.Services.AddWolverine(ExtensionDiscovery.ManualOnly, opts =>
        {
            WolverineSetup.ConfigureEngine(opts, builder.Configuration);
            opts.Discovery.IncludeType(typeof(LatenessProbeHandler));
            opts.PublishMessage<LatenessProbe>().ToPostgresqlQueue(WolverineSetup.DeadlineQueue);
            if (shipped)
            {
                WolverineSetup.ListenToDeadlines(opts, builder.Configuration);
            }
            else
            {
                opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(5);
                opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromMilliseconds(Random.Shared.Next(500, 5000));
                opts.ListenToPostgresqlQueue(WolverineSetup.DeadlineQueue);
            }
        });
        builder.Services.AddResourceSetupOnStartup();
        var host = builder.Build();
        // Setting up the tables prints their SQL on standard output, which is the benchmark's report.
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            await host.StartAsync();
        }
        finally
        {
            Console.SetOut(output);
        }
        return host;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string NewSchema(string prefix) => $"bench_{prefix}_{Guid.NewGuid():N}"[..30];

    /// <summary>What each handled probe was late by.</summary>
    public sealed class Recorder(int expected)
    {
        private int _handled;

        public ConcurrentBag<double> LatenessMs { get; } = [];

        /// <summary>Lateness with the probe's due time, to tell a slow start from a slow steady state.</summary>
        public ConcurrentBag<(DateTimeOffset DueAt, double LatenessMs)> ByDueTime { get; } = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Record(LatenessProbe probe)
        {
            var late = (DateTimeOffset.UtcNow - probe.DueAt).TotalMilliseconds;
            LatenessMs.Add(late);
            ByDueTime.Add((probe.DueAt, late));
            if (Interlocked.Increment(ref _handled) == expected)
            {
                Done.TrySetResult();
            }
        }
    }
}

/// <summary>A scheduled message that only records how late it came.</summary>
public sealed record LatenessProbe(int Number, DateTimeOffset DueAt);

public static class LatenessProbeHandler
{
    public static void Handle(LatenessProbe probe, WolverineBenchmark.Recorder recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        recorder.Record(probe);
    }
}
