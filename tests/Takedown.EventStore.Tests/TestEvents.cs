using Npgsql;
using Takedown.EventStore;
using Takedown.Testing;

namespace Takedown.EventStore.Tests;

public sealed record ThingOpened(Guid ThingId, string Label, DateTimeOffset OpenedAt);
public sealed record ThingCounted(Guid ThingId, int By, DateTimeOffset CountedAt);

public sealed record ThingSummary(Guid Id, string Label, int Count, int EventsSeen);

/// <summary>A document per stream, inline by default.</summary>
public class ThingSummaryProjection(ProjectionLifecycle lifecycle = ProjectionLifecycle.Inline) : SingleStreamProjection<ThingSummary>
{
    public override string Name => "thing-summary";

    public override ProjectionLifecycle Lifecycle => lifecycle;

    protected override ThingSummary? Apply(ThingSummary? current, StoredEvent stored) => stored.Data switch
    {
        ThingOpened e => new ThingSummary(e.ThingId, e.Label, 0, 1),
        ThingCounted e when current is not null => current with { Count = current.Count + e.By, EventsSeen = current.EventsSeen + 1 },
        _ => current,
    };
}

/// <summary>Records every event it is given, in order, so tests can see skips and duplicates.</summary>
public sealed class RecordingProjection : IProjection
{
    public string Name => "recording";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {context.Schema}.seen (n bigserial, seq bigint, stream_id uuid, version bigint); " +
            $"INSERT INTO {context.Schema}.seen (seq, stream_id, version) SELECT * FROM unnest(@seqs, @streams, @versions)",
            context.Connection, context.Transaction);
        command.Parameters.AddWithValue("seqs", events.Select(e => e.Sequence).ToArray());
        command.Parameters.AddWithValue("streams", events.Select(e => e.StreamId).ToArray());
        command.Parameters.AddWithValue("versions", events.Select(e => e.Version).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {context.Schema}.seen", context.Connection, context.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>An event store on a database of its own for one test class.</summary>
public sealed class EventStoreFixture : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public EventStore Store { get; private set; } = null!;

    public ManualTimeProvider Time { get; } = new();

    public RecordingProjection Recording { get; } = new();

    public ThingSummaryProjection Summary { get; } = new();

    public ThingSummaryProjection AsyncSummary { get; } = new AsyncThingSummary();

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        DataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var options = new EventStoreOptions();
        options.Event<ThingOpened>("thing-opened").Event<ThingCounted>("thing-counted");
        options.Projection(Summary).Projection(Recording).Projection(AsyncSummary);
        Store = new EventStore(DataSource, options, Time);
        await Store.MigrateAsync();
    }

    public async Task ResetAsync()
    {
        await using var command = DataSource.CreateCommand(
            "TRUNCATE takedown.events, takedown.streams, takedown.documents, takedown.projection_progress; DROP TABLE IF EXISTS takedown.seen");
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class AsyncThingSummary() : ThingSummaryProjection(ProjectionLifecycle.Async)
    {
        public override string Name => "thing-summary-async";
    }
}
