using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Takedown.EventStore;

/// <summary>
/// A unit of work: appends to any number of streams, inline projections and enlisted participants (the outbox)
/// are written in one transaction when <see cref="SaveChangesAsync"/> runs. Nothing is written before that.
/// </summary>
public sealed class EventSession : IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly NpgsqlConnection? _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly List<PendingAppend> _pending = [];
    private readonly List<ISessionParticipant> _participants = [];

    internal EventSession(EventStore store, NpgsqlConnection? connection, NpgsqlTransaction? transaction, EventMetadata metadata)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        Metadata = metadata;
        Events = new EventOperations(this);
    }

    /// <summary>Appending and loading streams.</summary>
    public EventOperations Events { get; }

    /// <summary>Stored with every event this session appends.</summary>
    public EventMetadata Metadata { get; set; }

    /// <summary>The events written by the last <see cref="SaveChangesAsync"/>, with their positions.</summary>
    public IReadOnlyList<StoredEvent> Saved { get; private set; } = [];

    /// <summary>Adds a writer that commits or rolls back together with this session's events.</summary>
    public void Enlist(ISessionParticipant participant) => _participants.Add(participant);

    /// <summary>
    /// Writes every pending append (checking expected versions), the inline projections and the participants in
    /// one transaction, and commits it unless the session runs inside a caller's transaction.
    /// </summary>
    /// <exception cref="StreamVersionConflictException">A stream was changed since it was loaded; nothing was written.</exception>
    public async Task SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0 && _participants.Count == 0)
        {
            return;
        }
        using var activity = Telemetry.Source.StartActivity("append events");
        if (activity is not null)
        {
            // Stable event names and counts only: event data holds victims' personal data.
            activity.SetTag("takedown.events.count", _pending.Sum(p => p.Events.Count));
            activity.SetTag("takedown.events.streams", _pending.Select(p => p.StreamId).Distinct().Count());
            activity.SetTag("takedown.events.types", string.Join(',', _pending.SelectMany(p => p.Events).Select(e => _store.Options.Types.NameOf(e.GetType())).Distinct()));
        }
        var ownsTransaction = _connection is null;
        var inline = _store.Options.Projections.Where(p => p.Lifecycle == ProjectionLifecycle.Inline).ToList();
        var connection = _connection ?? await _store.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (ownsTransaction && inline.Count == 0 && _participants.Count == 0 && _pending.Count == 1)
            {
                // One stream and nothing else to write: the append runs as one implicit transaction, in one round trip
                // (a conflict inserts nothing). Several streams need a transaction of their own, so that one stream's
                // conflict keeps the others from being written.
                Saved = await AppendAsync(connection, null, cancellationToken);
                _pending.Clear();
                return;
            }
            var transaction = _transaction ?? await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var saved = await AppendAsync(connection, transaction, cancellationToken);
                var context = new ProjectionContext(connection, transaction, _store);
                foreach (var projection in inline)
                {
                    if (saved.Count > 0)
                    {
                        await projection.ApplyAsync(context, saved, cancellationToken);
                    }
                }
                foreach (var participant in _participants)
                {
                    await participant.BeforeCommitAsync(connection, transaction, cancellationToken);
                }
                if (ownsTransaction)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                Saved = saved;
                _pending.Clear();
                _participants.Clear();
            }
            finally
            {
                if (ownsTransaction)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        catch (PostgresException) when (ownsTransaction)
        {
            PreparedStatements.ForgetAfterFailure(connection);
            throw;
        }
        finally
        {
            if (ownsTransaction)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal EventStore Store => _store;

    internal NpgsqlConnection? Connection => _connection;

    internal NpgsqlTransaction? Transaction => _transaction;

    internal void Add(Guid streamId, long? expectedVersion, IEnumerable<object> events, EventMetadata? metadata = null)
    {
        var list = events.ToList();
        if (list.Count == 0)
        {
            return;
        }
        foreach (var e in list)
        {
            _ = _store.Options.Types.NameOf(e.GetType());
        }
        var existing = _pending.Find(p => p.StreamId == streamId);
        if (existing is not null)
        {
            existing.Events.AddRange(list);
            existing.Metadata.AddRange(list.Select(_ => metadata));
            return;
        }
        _pending.Add(new PendingAppend(streamId, expectedVersion, list, [.. list.Select(_ => metadata)]));
    }

    private async Task<List<StoredEvent>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var saved = new List<StoredEvent>();
        if (_pending.Count == 0)
        {
            return saved;
        }
        var schema = _store.Schema;
        var now = _store.Time.GetUtcNow();
        var sessionMetadata = JsonSerializer.Serialize(Metadata, _store.Options.Json);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // Appends without an expected version take their streams' locks first, before this transaction writes anything
        // and so before it is given a transaction id: whoever appends to such a stream after us then always has a larger
        // tx_id, which keeps each stream's versions in order for the projection daemon (it reads in (tx_id, seq) order).
        // Appends with an expected version need no lock: their first write is the stream row's conditional update, so
        // transaction ids follow the row lock's order, and a writer that waited finds the version changed and conflicts.
        var unconditioned = _pending.Where(p => p.ExpectedVersion is null).Select(p => LockKey(p.StreamId)).Distinct().Order().ToArray();
        if (unconditioned.Length > 0)
        {
            var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(k) FROM unnest(@keys) AS k");
            lockCommand.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = unconditioned });
            batch.BatchCommands.Add(lockCommand);
        }

        var prepared = new List<(PendingAppend Append, Guid[] Ids, string[] Types)>();
        foreach (var append in _pending)
        {
            var ids = append.Events.Select(_ => Guid.CreateVersion7(now)).ToArray();
            var types = append.Events.Select(e => _store.Options.Types.NameOf(e.GetType())).ToArray();
            var (subject, datas) = _store.Options.Protection is { } protection
                ? await protection.SerializeAsync(_store, connection, transaction, append.StreamId, append.Events, cancellationToken)
                : (null, append.Events.Select(_store.Serialize).ToArray());
            for (var i = 0; i < datas.Length; i++)
            {
                PreparedStatements.RefuseNul(datas[i], types[i]);
            }
            var streamCte = append.ExpectedVersion switch
            {
                null => $"""
                    INSERT INTO {schema}.streams (id, type, version, created_at, updated_at, subject_id)
                    VALUES (@id, @stype, @n, @now, @now, @subject)
                    ON CONFLICT (id) DO UPDATE SET version = {schema}.streams.version + @n, updated_at = @now,
                        subject_id = coalesce({schema}.streams.subject_id, excluded.subject_id)
                    RETURNING version - @n AS base
                    """,
                0 => $"""
                    INSERT INTO {schema}.streams (id, type, version, created_at, updated_at, subject_id)
                    VALUES (@id, @stype, @n, @now, @now, @subject)
                    ON CONFLICT (id) DO NOTHING
                    RETURNING 0::bigint AS base
                    """,
                _ => $"""
                    UPDATE {schema}.streams SET version = @expected + @n, updated_at = @now, subject_id = coalesce(subject_id, @subject)
                    WHERE id = @id AND version = @expected
                    RETURNING @expected AS base
                    """,
            };
            // When the stream is not at the expected version, s is empty and nothing is inserted: the statement
            // returns no rows, the session throws the conflict and rolls its transaction back, so nothing is ever half
            // written. The statement itself does not fail: Npgsql 10 keeps a statement whose automatic preparation
            // coincided with a failure marked as prepared without its result columns, and the next use of that
            // connection then loses protocol step ("Received unexpected backend message DataRow").
            var command = new NpgsqlBatchCommand($"""
                WITH s AS ({streamCte}),
                ins AS (
                    INSERT INTO {schema}.events (id, stream_id, version, type, data, metadata, timestamp)
                    SELECT e.id, @id, s.base + e.ord, e.type, e.data, e.metadata, @now
                    FROM s, unnest(@ids, @types, @datas, @metadata) WITH ORDINALITY AS e(id, type, data, metadata, ord)
                    RETURNING seq, id, version)
                SELECT seq, id, version FROM ins
                """);
            command.Parameters.AddWithValue("id", append.StreamId);
            command.Parameters.AddWithValue("stype", types[0]);
            command.Parameters.AddWithValue("n", (long)append.Events.Count);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("expected", append.ExpectedVersion ?? 0L);
            command.Parameters.Add(new NpgsqlParameter("subject", NpgsqlDbType.Uuid) { Value = subject is { } s ? s : DBNull.Value });
            var metadatas = append.Metadata.Select(m => m is null ? sessionMetadata : JsonSerializer.Serialize(m, _store.Options.Json)).ToArray();
            foreach (var metadata in metadatas)
            {
                PreparedStatements.RefuseNul(metadata, "metadata");
            }
            command.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = metadatas });
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
            command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
            command.Parameters.Add(new NpgsqlParameter("datas", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
            {
                Value = datas,
            });
            batch.BatchCommands.Add(command);
            prepared.Add((append, ids, types));
        }

        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            var skipResult = unconditioned.Length > 0;
            foreach (var (append, ids, types) in prepared)
            {
                if (skipResult)
                {
                    await reader.NextResultAsync(cancellationToken);
                }
                skipResult = true;
                var positions = new Dictionary<Guid, (long Seq, long Version)>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    positions[reader.GetGuid(1)] = (reader.GetInt64(0), reader.GetInt64(2));
                }
                if (positions.Count != append.Events.Count)
                {
                    throw new StreamVersionConflictException(append.StreamId, append.ExpectedVersion ?? -1);
                }
                for (var i = 0; i < ids.Length; i++)
                {
                    var (seq, version) = positions[ids[i]];
                    saved.Add(new StoredEvent(seq, ids[i], append.StreamId, version, types[i], append.Events[i], append.Metadata[i] ?? Metadata, now));
                }
            }
        }
        return saved;
    }

    private static long LockKey(Guid streamId)
    {
        Span<byte> bytes = stackalloc byte[16];
        streamId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    /// <summary>Events for one stream; an event's own metadata (null: the session's) travels beside it.</summary>
    internal sealed record PendingAppend(Guid StreamId, long? ExpectedVersion, List<object> Events, List<EventMetadata?> Metadata);
}

/// <summary>Appending to and loading streams within a session (Marten's <c>session.Events</c>).</summary>
public sealed class EventOperations
{
    private readonly EventSession _session;

    internal EventOperations(EventSession session) => _session = session;

    /// <summary>Starts a new stream; saving fails with a conflict when the stream already exists.</summary>
    public void StartStream(Guid streamId, params object[] events) => _session.Add(streamId, 0, events);

    /// <summary>Appends when the stream is at <paramref name="expectedVersion"/> (0: does not exist yet), else saving fails with a conflict.</summary>
    public void Append(Guid streamId, long expectedVersion, params object[] events) => _session.Add(streamId, expectedVersion, events);

    /// <summary>Appends whatever the stream's version (creating it if needed).</summary>
    public void Append(Guid streamId, params object[] events) => _session.Add(streamId, null, events);

    /// <summary>
    /// Appends at <paramref name="expectedVersion"/> with metadata of their own (one session writing what several
    /// causes decided, e.g. a batch of webhooks, each event keeping its own correlation id).
    /// </summary>
    public void Append(Guid streamId, long expectedVersion, EventMetadata metadata, params object[] events) =>
        _session.Add(streamId, expectedVersion, events, metadata);

    /// <summary>
    /// Loads a stream's state for a decision; events appended to the returned stream are saved with the version
    /// it was loaded at as the expected version (Marten's <c>FetchForWriting</c>).
    /// </summary>
    public async Task<EventStream<T>> FetchForWritingAsync<T>(
        Guid streamId, T initial, Func<T, object, T> evolve, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await FetchStreamAsync(streamId, cancellationToken: cancellationToken);
        var state = events.Aggregate(initial, (s, e) => evolve(s, e.Data));
        return new EventStream<T>(this, streamId, state, events.Count == 0 ? 0 : events[^1].Version, events);
    }

    /// <summary>
    /// Loads several streams for writing in one round trip (<see cref="FetchForWritingAsync{T}"/> for each); a stream
    /// that does not exist comes back at version 0 with the initial state.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, EventStream<T>>> FetchManyForWritingAsync<T>(
        IReadOnlyCollection<Guid> streamIds, T initial, Func<T, object, T> evolve, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await _session.Store.FetchStreamsAsync(_session.Connection, _session.Transaction, [.. streamIds.Distinct()], cancellationToken);
        return streamIds.Distinct().ToDictionary(id => id, id =>
        {
            var stream = events.TryGetValue(id, out var list) ? list : [];
            return new EventStream<T>(this, id, stream.Aggregate(initial, (s, e) => evolve(s, e.Data)), stream.Count == 0 ? 0 : stream[^1].Version, stream);
        });
    }

    /// <summary>A stream's events, read in the session's transaction when it has one.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(
        Guid streamId, long? version = null, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        if (_session.Connection is { } connection)
        {
            return await _session.Store.FetchStreamAsync(connection, _session.Transaction, streamId, version, timestamp, cancellationToken);
        }
        return await _session.Store.FetchStreamAsync(streamId, version, timestamp, cancellationToken);
    }
}

/// <summary>A stream loaded for writing: its state, the version it was loaded at, and what to append.</summary>
public sealed class EventStream<T>
{
    private readonly EventOperations _operations;
    private readonly List<object> _appended = [];

    internal EventStream(EventOperations operations, Guid id, T aggregate, long startingVersion, IReadOnlyList<StoredEvent> events)
    {
        _operations = operations;
        Id = id;
        Aggregate = aggregate;
        StartingVersion = startingVersion;
        Events = events;
    }

    public Guid Id { get; }

    public T Aggregate { get; }

    public long StartingVersion { get; }

    /// <summary>The events the stream held when it was loaded.</summary>
    public IReadOnlyList<StoredEvent> Events { get; }

    public long CurrentVersion => StartingVersion + _appended.Count;

    public void AppendOne(object @event) => AppendMany([@event]);

    public void AppendMany(IEnumerable<object> events) => AppendMany(events, null);

    /// <summary>Appends events that carry <paramref name="metadata"/> instead of the session's.</summary>
    public void AppendMany(IEnumerable<object> events, EventMetadata? metadata)
    {
        var list = events.ToList();
        if (list.Count == 0)
        {
            return;
        }
        // The expected version is the one the decision was made on, however many appends follow.
        if (metadata is null)
        {
            _operations.Append(Id, StartingVersion + _appended.Count, [.. list]);
        }
        else
        {
            _operations.Append(Id, StartingVersion + _appended.Count, metadata, [.. list]);
        }
        _appended.AddRange(list);
    }
}

/// <summary>The event store's spans, published under the application's source name.</summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new("Takedown");
}
