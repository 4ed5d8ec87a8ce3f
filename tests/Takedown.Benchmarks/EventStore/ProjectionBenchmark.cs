using System.Diagnostics;
using System.Globalization;
using System.Text;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.ReadModels;
using Takedown.Application.Sealing;
using Takedown.Application.Storage;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Benchmarks.EventStore;

/// <summary>
/// The read models on Marten, on 100,000 events: the sustained append rate with the inline read models (as the hosts
/// append), the async daemon catching up the request overview from the first event, and a rebuild of it; every rate
/// as a ratio to the append rate measured in the same run.
/// </summary>
public static class ProjectionBenchmark
{
    private const int Requests = 20_000;
    private const int EventsPerRequest = 5;
    private const int Writers = 8;

    public static async Task<string> RunAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50, MaxAutoPrepare = 64 }.ConnectionString);
        var protection = new PersonalDataProtection(
            Convert.FromBase64String(PersonalDataProtection.NewMasterKey()), PersonalDataProtection.IsMarked<PersonalDataAttribute>,
            PersonalDataProtection.SubjectFromProperty("CaseId"));
        var sealing = new EventSealing(protection, dataSource, "takedown", DomainEvents.All.Values, TimeProvider.System);
        var engine = new DeadlineEngine(HolidayCalendars.Default());
        await SchemaMigrator.MigrateAsync(dataSource, "takedown", ReadModelSchema.Component, ReadModelSchema.Steps);
        // The async copy of the request overview writes a table of its own, beside the inline one.
        await SchemaMigrator.MigrateAsync(dataSource, "bench_async", ReadModelSchema.Component, ReadModelSchema.Steps);

        // As the hosts append: the inline read models in the appending transaction.
        using var store = DocumentStore.For(options =>
        {
            options.Connection(dataSource);
            MartenSetup.Configure(options, MartenSetup.DefaultSchema, sealing);
            MartenSetup.AddReadModels(options, "takedown", engine);
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var next = -1;
        var appending = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < Requests)
            {
                await AppendRequestAsync(store);
            }
        })));
        appending.Stop();
        var events = Requests * EventsPerRequest;
        var appendRate = events / appending.Elapsed.TotalSeconds;

        // The same events through the daemon, as an async projection would run on a worker (HotCold).
        using var asyncStore = DocumentStore.For(options =>
        {
            options.Connection(dataSource);
            MartenSetup.Configure(options, MartenSetup.DefaultSchema, sealing);
            options.Projections.Add(new RequestOverviewProjection("bench_async", engine), ProjectionLifecycle.Async, "request-overview-async");
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        });
        await asyncStore.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var catchingUp = Stopwatch.StartNew();
        using (var daemon = await asyncStore.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(10));
            await daemon.StopAllAsync();
        }
        catchingUp.Stop();
        var catchUpRate = events / catchingUp.Elapsed.TotalSeconds;
        var rowsAsync = await CountAsync(dataSource, "SELECT count(*) FROM bench_async.request_overview");

        // The documented rebuild (`projections rebuild`) of the inline request overview: Marten's daemon replays every event.
        var rebuilding = Stopwatch.StartNew();
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync("request-overview", TimeSpan.FromMinutes(10), CancellationToken.None);
        }
        rebuilding.Stop();
        var rebuildRate = events / rebuilding.Elapsed.TotalSeconds;
        var rows = await CountAsync(dataSource, "SELECT count(*) FROM takedown.request_overview");

        var report = new StringBuilder();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{events:N0} events ({Requests:N0} erasure requests of {EventsPerRequest} events, sealed), appended by {Writers} writers."));
        report.AppendLine();
        report.AppendLine("| measurement | time | events/s | ratio to appending | target |");
        report.AppendLine("| --- | ---: | ---: | ---: | --- |");
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| appending with the inline read models (the baseline) | {appending.Elapsed.TotalSeconds:N1} s | {appendRate:N0} | 1.00× | |"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| async daemon catching up the request overview from the first event ({rowsAsync:N0} rows) | {catchingUp.Elapsed.TotalSeconds:N1} s | {catchUpRate:N0} | {catchUpRate / appendRate:N2}× | ≥ 1.5× |"));
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| rebuild of the request overview ({rows:N0} rows) | {rebuilding.Elapsed.TotalSeconds:N1} s | {rebuildRate:N0} | {rebuildRate / appendRate:N2}× | ≥ 3× |"));
        return report.ToString();
    }

    private static async Task AppendRequestAsync(DocumentStore store)
    {
        var id = Guid.CreateVersion7();
        var caseId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using var session = store.LightweightSession(new EventMetadata("bench", null, "system"));
        session.Events.StartStream(id,
            new ErasureRequestDrafted(id, caseId, "Voorbeeld Mensenzoeker B.V.", "privacy@mensenzoeker.example", "NL",
                ["woonadres", "telefoonnummer"], ["https://mensenzoeker.example/p/1"], now),
            new ErasureRequestApproved(id, now),
            new ErasureRequestSent(id, DateOnly.FromDateTime(now.UtcDateTime), now),
            new ErasureRequestAnswered(id, ErasureOutcome.Complied, "Verwijderd.", now),
            new DeadlineMissed(id, DateOnly.FromDateTime(now.UtcDateTime), now));
        await session.SaveChangesAsync();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
