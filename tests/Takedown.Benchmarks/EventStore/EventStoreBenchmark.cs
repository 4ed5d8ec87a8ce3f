using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Takedown.EventStore;

namespace Takedown.Benchmarks.EventStore;

public sealed record BenchEventOpened(Guid StreamId, string Label, DateTimeOffset OpenedAt);
public sealed record BenchEventCounted(Guid StreamId, int By, DateTimeOffset CountedAt);
public sealed record BenchSummary(Guid Id, int Count);

/// <summary>Keeps one document per stream: the work a typical read model does per event.</summary>
public sealed class BenchSummaryProjection : SingleStreamProjection<BenchSummary>
{
    public override string Name => "bench-summary";

    public override ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    protected override BenchSummary? Apply(BenchSummary? current, StoredEvent stored) =>
        new(stored.StreamId, (current?.Count ?? 0) + 1);
}

/// <summary>
/// Our appends against a plain Npgsql INSERT of the same rows (same columns, same JSON), on the same server, in
/// one run; and the projection daemon against the append rate.
/// </summary>
public static class EventStoreBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);

    public static async Task<string> RunAsync(string connectionString)
    {
        // The data source as AddEventStore builds it (statements prepared automatically), shared by both sides.
        var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50, MaxAutoPrepare = 64 }.ConnectionString);
        var options = new EventStoreOptions();
        options.Event<BenchEventOpened>("bench-opened").Event<BenchEventCounted>("bench-counted");
        var projection = new BenchSummaryProjection();
        options.Projection(projection);
        var store = new Takedown.EventStore.EventStore(dataSource, options, TimeProvider.System);
        await store.MigrateAsync();
        await Exec(dataSource, """
            CREATE TABLE IF NOT EXISTS raw_events (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL UNIQUE, stream_id uuid NOT NULL,
                version bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
                timestamp timestamptz NOT NULL, UNIQUE (stream_id, version))
            """);

        var report = new StringBuilder();
        report.AppendLine("| measurement | ours (events/s) | raw Npgsql INSERT (events/s) | ratio | target |");
        report.AppendLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var writers in new[] { 1, 8 })
        {
            await Reset(dataSource);
            var raw = await Measure(writers, () => RawSingle(dataSource));
            var ours = await Measure(writers, () => OurSingle(store));
            report.AppendLine(Row($"single event per transaction, expected version, {writers} writer(s)", ours, raw, 0.6));
        }
        // Appends to a stream that exists, at its current version (the everyday case: a request's next event), each
        // writer on a stream of its own; the raw side inserts the same rows with the same running version.
        foreach (var writers in new[] { 1, 8 })
        {
            await Reset(dataSource);
            var raw = await Measure(writers, () => RawExisting(dataSource));
            var ours = await Measure(writers, () => OurExisting(store));
            report.AppendLine(Row($"single event per transaction to an existing stream, expected version, {writers} writer(s)", ours, raw, 0.6));
        }
        await Reset(dataSource);
        var rawBatch = await Measure(1, () => RawBatch(dataSource, 100));
        var ourBatch = await Measure(1, () => OurBatch(store, 100));
        report.AppendLine(Row("batches of 100 events per transaction, 1 writer", ourBatch, rawBatch, 0.5));

        // Daemon: sustained append rate (8 writers) while the daemon runs, then a rebuild of everything.
        await Reset(dataSource);
        var daemon = new ProjectionDaemon(store, NullLogger<ProjectionDaemon>.Instance);
        using var stop = new CancellationTokenSource();
        long projected = 0;
        var daemonTask = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = await daemon.CatchUpAsync(projection);
                Interlocked.Add(ref projected, n);
                if (n == 0)
                {
                    await Task.Delay(20);
                }
            }
        });
        var appendRate = await Measure(8, () => OurSingle(store));
        var caughtUp = Stopwatch.StartNew();
        long total;
        while (true)
        {
            total = await Count(dataSource, "SELECT count(*) FROM takedown.events");
            if (Interlocked.Read(ref projected) >= total)
            {
                break;
            }
            await Task.Delay(10);
        }
        var lag = caughtUp.Elapsed;
        await stop.CancelAsync();
        await daemonTask;
        // Capacity: with the daemon stopped, a backlog builds up at the append rate; then time its catch-up.
        var backlogStart = await Count(dataSource, "SELECT count(*) FROM takedown.events");
        var backlogAppendRate = await Measure(8, () => OurSingle(store));
        var backlog = await Count(dataSource, "SELECT count(*) FROM takedown.events") - backlogStart;
        var catchUp = Stopwatch.StartNew();
        var caught = await daemon.CatchUpAsync(projection);
        var daemonRate = caught / catchUp.Elapsed.TotalSeconds;
        var rebuild = Stopwatch.StartNew();
        var rebuilt = await daemon.RebuildAsync(projection);
        var rebuildRate = rebuilt / rebuild.Elapsed.TotalSeconds;
        report.AppendLine();
        report.AppendLine("| projection daemon | events/s | append rate (events/s, 8 writers) | ratio | target |");
        report.AppendLine("| --- | ---: | ---: | ---: | --- |");
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| live beside 8 writers ({total:N0} events): caught up {lag.TotalMilliseconds:N0} ms after the last append | — | {appendRate:N0} | — | keeps up |"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| capacity: catching up a backlog of {backlog:N0} events | {daemonRate:N0} | {backlogAppendRate:N0} | {daemonRate / backlogAppendRate:0.00}× | ≥ 1.5× |"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| rebuild from zero ({rebuilt:N0} events) | {rebuildRate:N0} | {appendRate:N0} | {rebuildRate / appendRate:0.00}× | ≥ 3× |"));
        await dataSource.DisposeAsync();
        return report.ToString();
    }

    private static string Row(string what, double ours, double raw, double target) =>
        string.Create(CultureInfo.InvariantCulture, $"| {what} | {ours:N0} | {raw:N0} | {ours / raw:0.00}× | ≥ {target}× |");

    /// <summary>Runs <paramref name="work"/> (which returns the events it wrote) on N writers for a fixed time; events/s.</summary>
    private static async Task<double> Measure(int writers, Func<Task<int>> work)
    {
        Cursor.Value = new StreamCursor();
        for (var i = 0; i < 50; i++)
        {
            await work();
        }
        long events = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            // Set here, in the writer's own flow, so every call below sees (and advances) the same cursor.
            Cursor.Value = new StreamCursor();
            while (clock.Elapsed < Duration)
            {
                Interlocked.Add(ref events, await work());
            }
        })));
        return events / clock.Elapsed.TotalSeconds;
    }

    private static async Task<int> OurSingle(Takedown.EventStore.EventStore store)
    {
        var id = Guid.NewGuid();
        await using var session = store.LightweightSession(new EventMetadata("corr", "cause", "bench"));
        session.Events.Append(id, 0, new BenchEventOpened(id, "bench", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        return 1;
    }

    /// <summary>Each writer keeps appending to one stream of its own, at the version it last wrote.</summary>
    private static readonly AsyncLocal<StreamCursor?> Cursor = new();

    private sealed class StreamCursor
    {
        public Guid Id { get; } = Guid.NewGuid();

        public long Version { get; set; }
    }

    private static StreamCursor CurrentCursor() => Cursor.Value ?? throw new InvalidOperationException("No writer cursor.");

    private static async Task<int> OurExisting(Takedown.EventStore.EventStore store)
    {
        var cursor = CurrentCursor();
        await using var session = store.LightweightSession(new EventMetadata("corr", "cause", "bench"));
        session.Events.Append(cursor.Id, cursor.Version, new BenchEventCounted(cursor.Id, (int)cursor.Version, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        cursor.Version++;
        return 1;
    }

    private static async Task<int> RawExisting(NpgsqlDataSource dataSource)
    {
        var cursor = CurrentCursor();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO raw_events (id, stream_id, version, type, data, metadata, timestamp) VALUES ($1, $2, $3, 'bench-counted', $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = cursor.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = cursor.Version + 1 });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(new BenchEventCounted(cursor.Id, (int)cursor.Version, DateTimeOffset.UtcNow)) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = Metadata });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        await command.ExecuteNonQueryAsync();
        cursor.Version++;
        return 1;
    }

    private static async Task<int> OurBatch(Takedown.EventStore.EventStore store, int size)
    {
        var id = Guid.NewGuid();
        await using var session = store.LightweightSession(new EventMetadata("corr", "cause", "bench"));
        session.Events.Append(id, 0, Enumerable.Range(0, size).Select(i => (object)new BenchEventCounted(id, i, DateTimeOffset.UtcNow)).ToArray());
        await session.SaveChangesAsync();
        return size;
    }

    private static readonly string Metadata = JsonSerializer.Serialize(new EventMetadata("corr", "cause", "bench"), EventStoreOptions.CreateJsonForBenchmarks());

    private static async Task<int> RawSingle(NpgsqlDataSource dataSource)
    {
        var id = Guid.NewGuid();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO raw_events (id, stream_id, version, type, data, metadata, timestamp) VALUES ($1, $2, 1, 'bench-opened', $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(new BenchEventOpened(id, "bench", DateTimeOffset.UtcNow)) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = Metadata });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        await command.ExecuteNonQueryAsync();
        return 1;
    }

    private static async Task<int> RawBatch(NpgsqlDataSource dataSource, int size)
    {
        var id = Guid.NewGuid();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO raw_events (id, stream_id, version, type, data, metadata, timestamp)
            SELECT e.id, $1, e.version, 'bench-counted', e.data, $3, $4 FROM unnest($2::uuid[], $5::bigint[], $6::jsonb[]) AS e(id, version, data)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(0, size).Select(_ => Guid.CreateVersion7()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = Metadata });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(1, size).Select(v => (long)v).ToArray() });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = Enumerable.Range(0, size).Select(i => JsonSerializer.Serialize(new BenchEventCounted(id, i, DateTimeOffset.UtcNow))).ToArray(),
        });
        await command.ExecuteNonQueryAsync();
        return size;
    }

    private static async Task Reset(NpgsqlDataSource dataSource) =>
        await Exec(dataSource, "TRUNCATE raw_events, takedown.events, takedown.streams, takedown.documents, takedown.projection_progress; CHECKPOINT");

    private static async Task Exec(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
