using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Takedown.EventStore;

/// <summary>
/// Streams of events in PostgreSQL, shaped like Marten's <c>IDocumentStore</c>: open a session, append, save.
/// Reading (a stream, all events, documents) needs no session.
/// </summary>
public sealed class EventStore(NpgsqlDataSource dataSource, EventStoreOptions options, TimeProvider time)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public EventStoreOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    internal string Schema => Options.Schema;

    /// <summary>Creates or upgrades the tables; safe to run from several hosts at once.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        SchemaMigrator.MigrateAsync(DataSource, Schema, EventStoreSchema.Component, EventStoreSchema.Steps, cancellationToken);

    /// <summary>A unit of work with its own connection and transaction, opened when it saves.</summary>
    public EventSession LightweightSession(EventMetadata? metadata = null) => new(this, null, null, metadata ?? EventMetadata.None);

    /// <summary>
    /// A unit of work inside a transaction the caller owns (a message handler's): saving writes but does not
    /// commit, so the caller's other effects commit or roll back with the events.
    /// </summary>
    public EventSession OpenSession(NpgsqlConnection connection, NpgsqlTransaction transaction, EventMetadata? metadata = null) =>
        new(this, connection, transaction, metadata ?? EventMetadata.None);

    /// <summary>The events of one stream in version order, optionally up to a version or a point in time.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(
        Guid streamId, long? version = null, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        return await FetchStreamAsync(connection, null, streamId, version, timestamp, cancellationToken);
    }

    /// <summary>Folds a stream into state with a pure evolve function; returns the state and the stream's version (0: no stream).</summary>
    public async Task<(T State, long Version)> AggregateStreamAsync<T>(
        Guid streamId, T initial, Func<T, object, T> evolve, long? version = null, DateTimeOffset? timestamp = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await FetchStreamAsync(streamId, version, timestamp, cancellationToken);
        return (events.Aggregate(initial, (state, e) => evolve(state, e.Data)), events.Count == 0 ? 0 : events[^1].Version);
    }

    /// <summary>
    /// Committed events after a global position, in sequence order. For consumers that may see a late-committing
    /// lower sequence number later; a reader that must never skip one uses a projection instead.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"{SelectEvents} WHERE seq > @after ORDER BY seq LIMIT @max", connection);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("max", maxCount);
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>The document a <see cref="SingleStreamProjection{TDoc}"/> keeps for a stream, or null.</summary>
    public async Task<TDoc?> LoadAsync<TDoc>(string projection, Guid id, CancellationToken cancellationToken = default) where TDoc : class
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT data::text FROM {Schema}.documents WHERE type = @type AND id = @id", connection);
        command.Parameters.AddWithValue("type", projection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<TDoc>(json, Options.Json)
            : null;
    }

    /// <summary>
    /// Documents of a projection matching a SQL condition over <c>data</c> (jsonb), e.g. <c>data->>'caseId' = @case</c>.
    /// The condition is code, never user input; values go in <paramref name="parameters"/>.
    /// </summary>
    public async Task<IReadOnlyList<TDoc>> QueryAsync<TDoc>(
        string projection, string condition = "true", IReadOnlyDictionary<string, object>? parameters = null,
        string orderBy = "updated_at DESC", int limit = 500, CancellationToken cancellationToken = default) where TDoc : class
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT data::text FROM {Schema}.documents WHERE type = @type AND ({condition}) ORDER BY {orderBy} LIMIT @limit", connection);
        command.Parameters.AddWithValue("type", projection);
        command.Parameters.AddWithValue("limit", limit);
        foreach (var (name, value) in parameters ?? new Dictionary<string, object>())
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = new List<TDoc>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(JsonSerializer.Deserialize<TDoc>(reader.GetString(0), Options.Json)!);
        }
        return result;
    }

    internal string SelectEvents =>
        $"SELECT seq, id, stream_id, version, type, data::text, metadata::text, timestamp, {SelectKey} FROM {Schema}.events";

    /// <summary>The wrapped key of an event's subject (column of a query over <c>events</c>), read in the same round trip.</summary>
    internal string SelectKey => Options.Protection is null
        ? "NULL::bytea"
        : $"(SELECT k.key FROM {Schema}.streams s JOIN {Schema}.encryption_keys k ON k.subject_id = s.subject_id WHERE s.id = events.stream_id)";

    internal async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid streamId, long? version, DateTimeOffset? timestamp,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"{SelectEvents} WHERE stream_id = @id AND version <= @version AND timestamp <= @timestamp ORDER BY version",
            connection, transaction);
        command.Parameters.AddWithValue("id", streamId);
        command.Parameters.AddWithValue("version", version ?? long.MaxValue);
        command.Parameters.AddWithValue("timestamp", NpgsqlDbType.TimestampTz, timestamp ?? DateTimeOffset.MaxValue);
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>The events of several streams in one round trip, each stream's in version order.</summary>
    internal async Task<Dictionary<Guid, List<StoredEvent>>> FetchStreamsAsync(
        NpgsqlConnection? connection, NpgsqlTransaction? transaction, Guid[] streamIds, CancellationToken cancellationToken)
    {
        var owned = connection is null ? await DataSource.OpenConnectionAsync(cancellationToken) : null;
        try
        {
            await using var command = new NpgsqlCommand(
                $"{SelectEvents} WHERE stream_id = ANY(@ids) ORDER BY stream_id, version", connection ?? owned, transaction);
            command.Parameters.AddWithValue("ids", streamIds);
            return (await ReadEventsAsync(command, cancellationToken))
                .GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
        }
    }

    internal async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var type = reader.GetString(4);
            events.Add(new StoredEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), type,
                Deserialize(type, reader.GetString(5), reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8)),
                JsonSerializer.Deserialize<EventMetadata>(reader.GetString(6), Options.Json) ?? EventMetadata.None,
                reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return events;
    }

    internal object Deserialize(string type, string json, byte[]? wrappedKey) =>
        Options.Types.TypeOf(type) is { } clrType
            ? JsonSerializer.Deserialize(
                Options.Protection is { } protection ? protection.Unprotect(clrType, json, Options.Json, wrappedKey) : json, clrType, Options.Json)!
            : new UnknownEvent(type, JsonSerializer.Deserialize<JsonElement>(json));

    internal string Serialize(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), Options.Json);
}
