using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Takedown.Application.EventStorage;
using Takedown.Application.ReadModels;
using Takedown.Application.Sealing;
using Takedown.Domain;
using Takedown.Domain.Cases;
using Takedown.Application.Storage;

namespace Takedown.Benchmarks.EventStore;

/// <summary>
/// Marten's appends, configured as the hosts configure it (stable names, metadata, sealing), in each append mode, against
/// a plain Npgsql INSERT of a row of the same shape, all on one server in one run.
/// </summary>
public static class MartenBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private static readonly EventAppendMode[] Modes = [EventAppendMode.QuickWithServerTimestamps, EventAppendMode.Quick, EventAppendMode.Rich];

    /// <param name="connectionString">The benchmark's database.</param>
    /// <param name="serverLog">The server's log file, to show the statements an append sends; null: not shown.</param>
    public static async Task<string> RunAsync(string connectionString, string? serverLog)
    {
        // The data source as the hosts build it (statements prepared automatically), shared by every side.
        var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50, MaxAutoPrepare = 64 }.ConnectionString);
        var protection = new PersonalDataProtection(
            Convert.FromBase64String(PersonalDataProtection.NewMasterKey()), PersonalDataProtection.IsMarked<PersonalDataAttribute>,
            PersonalDataProtection.SubjectFromProperty("CaseId"));
        await SchemaMigrator.MigrateAsync(dataSource, "takedown", ReadModelSchema.Component, ReadModelSchema.Steps);
        await Exec(dataSource, """
            CREATE TABLE IF NOT EXISTS raw_events (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL UNIQUE, stream_id uuid NOT NULL,
                version bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
                timestamp timestamptz NOT NULL, UNIQUE (stream_id, version))
            """);
        var stores = new List<(string Name, DocumentStore Store)>();
        foreach (var mode in Modes)
        {
            var schema = "bench_" + mode.ToString().ToLowerInvariant();
            var sealing = new EventSealing(protection, dataSource, "takedown", DomainEvents.All.Values, TimeProvider.System);
            var store = DocumentStore.For(options =>
            {
                options.Connection(dataSource);
                MartenSetup.Configure(options, schema, sealing);
                options.Events.AppendMode = mode;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            stores.Add((mode.ToString(), store));
        }

        var report = new StringBuilder();
        report.AppendLine("| measurement | raw INSERT (events/s) | " + string.Join(" | ", stores.Select(s => $"Marten `{s.Name}`")) + " | target |");
        report.AppendLine("| --- | ---: | " + string.Join(" | ", stores.Select(_ => "---:")) + " | --- |");
        async Task Scenario(string what, int writers, double target, Func<Task<int>> raw, Func<DocumentStore, Task<int>> marten)
        {
            await Reset(dataSource, stores.Select(s => s.Store));
            var rawRate = await Measure(writers, raw);
            var cells = new List<string>();
            foreach (var (_, store) in stores)
            {
                var rate = await Measure(writers, () => marten(store));
                cells.Add(Cell(rate, rawRate));
            }
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {what} | {rawRate:N0} | {string.Join(" | ", cells)} | ≥ {target}× |"));
        }
        foreach (var writers in new[] { 1, 8 })
        {
            await Scenario($"single event to a new stream, {writers} writer(s)", writers, writers == 1 ? 0.6 : 0.5,
                () => RawSingle(dataSource), MartenNew);
        }
        foreach (var writers in new[] { 1, 8 })
        {
            await Scenario($"single event to an existing stream at its version, {writers} writer(s)", writers, writers == 1 ? 0.6 : 0.5,
                () => RawExisting(dataSource), MartenExisting);
        }
        await Scenario("batches of 100 events to a new stream, 1 writer", 1, 0.5,
            () => RawBatch(dataSource, 100), store => MartenBatch(store, 100));

        if (serverLog is not null)
        {
            report.AppendLine();
            report.AppendLine("Statements the server received for one append (from its log, `log_statement = all`):");
            report.AppendLine();
            foreach (var (name, store) in stores)
            {
                Cursor.Value = new StreamCursor();
                await MartenExisting(store);
                var existing = await TraceAsync(dataSource, serverLog, () => MartenExisting(store));
                report.AppendLine(CultureInfo.InvariantCulture, $"- `{name}`, existing stream: {string.Join(" → ", existing.Select(s => $"`{s}`"))}");
                var fresh = await TraceAsync(dataSource, serverLog, () => MartenNew(store));
                report.AppendLine(CultureInfo.InvariantCulture, $"- `{name}`, new stream: {string.Join(" → ", fresh.Select(s => $"`{s}`"))}");
            }
            var raw = await TraceAsync(dataSource, serverLog, () => RawSingle(dataSource));
            report.AppendLine(CultureInfo.InvariantCulture, $"- raw INSERT: {string.Join(" → ", raw.Select(s => $"`{s}`"))}");
        }
        foreach (var (_, store) in stores)
        {
            store.Dispose();
        }
        await dataSource.DisposeAsync();
        return report.ToString();
    }

    private static string Cell(double rate, double raw) => string.Create(CultureInfo.InvariantCulture, $"{rate:N0} ({rate / raw:0.00}×)");

    /// <summary>Runs <paramref name="work"/> (which returns the events it wrote) on N writers for a fixed time; events/s.</summary>
    private static async Task<double> Measure(int writers, Func<Task<int>> work)
    {
        Cursor.Value = new StreamCursor();
        for (var i = 0; i < 30; i++)
        {
            await work();
        }
        long events = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            Cursor.Value = new StreamCursor();
            while (clock.Elapsed < Duration)
            {
                Interlocked.Add(ref events, await work());
            }
        })));
        return events / clock.Elapsed.TotalSeconds;
    }

    private static readonly AsyncLocal<StreamCursor?> Cursor = new();

    private sealed class StreamCursor
    {
        public Guid Id { get; } = Guid.CreateVersion7();

        public long Version { get; set; }
    }

    private static StreamCursor CurrentCursor() => Cursor.Value ?? throw new InvalidOperationException("No writer cursor.");

    private static readonly EventMetadata Metadata = new("corr", "cause", "bench");

    private static readonly string MetadataJson = JsonSerializer.Serialize(Metadata, DatabaseOptions.CreateJson());

    private static CaseOpened Opened(Guid id) => new(id, "TD-BENCH", "nl", EscalationMode.Automatic, DateTimeOffset.UtcNow);

    private static EscalationModeChanged Changed(Guid id) => new(id, EscalationMode.OperatorReview, DateTimeOffset.UtcNow);

    private static async Task<int> MartenNew(DocumentStore store)
    {
        var id = Guid.CreateVersion7();
        await using var session = store.LightweightSession();
        session.Stamp(Metadata);
        session.Events.StartStream(id, Opened(id));
        await session.SaveChangesAsync();
        return 1;
    }

    private static async Task<int> MartenExisting(DocumentStore store)
    {
        var cursor = CurrentCursor();
        await using var session = store.LightweightSession();
        session.Stamp(Metadata);
        if (cursor.Version == 0)
        {
            session.Events.StartStream(cursor.Id, Changed(cursor.Id));
        }
        else
        {
            // Marten takes the version the stream has after the append.
            session.Events.Append(cursor.Id, cursor.Version + 1, Changed(cursor.Id));
        }
        await session.SaveChangesAsync();
        cursor.Version++;
        return 1;
    }

    private static async Task<int> MartenBatch(DocumentStore store, int size)
    {
        var id = Guid.CreateVersion7();
        await using var session = store.LightweightSession();
        session.Stamp(Metadata);
        session.Events.StartStream(id, Enumerable.Range(0, size).Select(_ => (object)Changed(id)).ToArray());
        await session.SaveChangesAsync();
        return size;
    }




    private static async Task<int> RawSingle(NpgsqlDataSource dataSource)
    {
        var id = Guid.CreateVersion7();
        await InsertAsync(dataSource, id, 1, "case-opened", JsonSerializer.Serialize(Opened(id)));
        return 1;
    }

    private static async Task<int> RawExisting(NpgsqlDataSource dataSource)
    {
        var cursor = CurrentCursor();
        await InsertAsync(dataSource, cursor.Id, cursor.Version + 1, "escalation-mode-changed", JsonSerializer.Serialize(Changed(cursor.Id)));
        cursor.Version++;
        return 1;
    }

    private static async Task InsertAsync(NpgsqlDataSource dataSource, Guid streamId, long version, string type, string data)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO raw_events (id, stream_id, version, type, data, metadata, timestamp) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = data });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = MetadataJson });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> RawBatch(NpgsqlDataSource dataSource, int size)
    {
        var id = Guid.CreateVersion7();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO raw_events (id, stream_id, version, type, data, metadata, timestamp)
            SELECT e.id, $1, e.version, 'escalation-mode-changed', e.data, $3, $4 FROM unnest($2::uuid[], $5::bigint[], $6::jsonb[]) AS e(id, version, data)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(0, size).Select(_ => Guid.CreateVersion7()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = MetadataJson });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(1, size).Select(v => (long)v).ToArray() });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = Enumerable.Range(0, size).Select(_ => JsonSerializer.Serialize(Changed(id))).ToArray(),
        });
        await command.ExecuteNonQueryAsync();
        return size;
    }

    /// <summary>The statements (first words) the server logs while <paramref name="work"/> runs once.</summary>
    private static async Task<IReadOnlyList<string>> TraceAsync(NpgsqlDataSource dataSource, string serverLog, Func<Task<int>> work)
    {
        await Exec(dataSource, "ALTER SYSTEM SET log_statement = 'all'");
        await Exec(dataSource, "SELECT pg_reload_conf()");
        await Task.Delay(300);
        var start = new FileInfo(serverLog).Length;
        await work();
        await Task.Delay(300);
        await Exec(dataSource, "ALTER SYSTEM RESET log_statement");
        await Exec(dataSource, "SELECT pg_reload_conf()");
        await using var file = new FileStream(serverLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(start, SeekOrigin.Begin);
        var lines = (await new StreamReader(file).ReadToEndAsync()).Split('\n');
        return [.. lines
            .Select(l => l.IndexOf("LOG:  ", StringComparison.Ordinal) is var i and >= 0 ? l[(i + 6)..] : null)
            .Where(l => l is not null && (l.StartsWith("statement: ", StringComparison.Ordinal) || l.StartsWith("execute ", StringComparison.Ordinal)))
            .Select(l => l![(l!.IndexOf(':', StringComparison.Ordinal) + 2)..])
            .Where(l => !l.Contains("log_statement", StringComparison.Ordinal) && !l.Contains("pg_reload_conf", StringComparison.Ordinal))
            .Select(l => l.Length > 70 ? l[..70] + "…" : l)];
    }

    private static async Task Reset(NpgsqlDataSource dataSource, IEnumerable<DocumentStore> stores)
    {
        foreach (var store in stores)
        {
            await store.Advanced.Clean.DeleteAllEventDataAsync();
        }
        await Exec(dataSource, "TRUNCATE raw_events; CHECKPOINT");
    }

    private static async Task Exec(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
