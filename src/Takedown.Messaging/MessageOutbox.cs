using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Marten;

namespace Takedown.Messaging;

/// <summary>
/// The transactional outbox: collects messages and writes them inside the caller's transaction. Enlist it in a Marten
/// session (<see cref="Enlist"/>) so the messages commit with the events, or call <see cref="SaveAsync"/> with a
/// connection and transaction of your own.
/// </summary>
public sealed class MessageOutbox : IMessageOutbox
{
    private readonly List<IDocumentOperations> _sessions = [];
    private readonly MessagingRuntime _runtime;
    private readonly Guid? _causationId;
    private readonly string? _correlationId;
    private readonly List<PendingMessage> _pending = [];
    private readonly List<Guid> _cancelled = [];

    internal MessageOutbox(MessagingRuntime runtime, Guid? causationId = null, string? correlationId = null)
    {
        _runtime = runtime;
        _causationId = causationId;
        _correlationId = correlationId;
    }

    /// <summary>Ids of the messages waiting for <see cref="SaveAsync"/>.</summary>
    public IReadOnlyList<Guid> Pending => _pending.ConvertAll(p => p.Id);

    /// <inheritdoc />
    public Guid Publish(object message) => Schedule(message, _runtime.Time.GetUtcNow());

    /// <inheritdoc />
    public Guid Schedule(object message, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = Guid.CreateVersion7(_runtime.Time.GetUtcNow());
        var headers = new Dictionary<string, string>
        {
            [MessageHeaders.CorrelationId] = _correlationId ?? id.ToString(),
        };
        if (_causationId is { } causation)
        {
            headers[MessageHeaders.CausationId] = causation.ToString();
        }
        var type = _runtime.Handlers.NameOf(message.GetType());
        if (MessagingTelemetry.PublishTraceParent(type, id, at, _runtime.Time.GetUtcNow()) is { } traceParent)
        {
            headers[MessageHeaders.TraceParent] = traceParent;
        }
        var pending = new PendingMessage(id, type, _runtime.Serialize(message), JsonSerializer.Serialize(headers), at.ToUniversalTime());
        if (_sessions.Count > 0)
        {
            _sessions.ForEach(s => Queue(s, pending));
        }
        else
        {
            _pending.Add(pending);
        }
        return id;
    }

    /// <inheritdoc />
    public void Cancel(Guid messageId)
    {
        if (_sessions.Count > 0)
        {
            _sessions.ForEach(s => s.QueueSqlCommand($"DELETE FROM {_runtime.Sql.Schema}.messages WHERE id = ?", messageId));
            return;
        }
        if (_pending.RemoveAll(p => p.Id == messageId) == 0)
        {
            _cancelled.Add(messageId);
        }
    }

    /// <summary>
    /// Writes the pending messages (and cancellations) in <paramref name="transaction"/> and wakes the workers when it commits
    /// (PostgreSQL delivers NOTIFY only on commit). Clears the pending list.
    /// </summary>
    public async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0 && _cancelled.Count == 0)
        {
            return;
        }
        var now = _runtime.Time.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (_cancelled.Count > 0)
        {
            var cancel = new NpgsqlBatchCommand(_runtime.Sql.Cancel);
            cancel.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. _cancelled]));
            batch.BatchCommands.Add(cancel);
        }
        if (_pending.Count == 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _cancelled.Clear();
            return;
        }
        var insert = new NpgsqlBatchCommand(_runtime.Sql.Insert);
        insert.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", _pending.Select(p => p.Id).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("types", _pending.Select(p => p.Type).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("bodies", _pending.Select(p => p.Body).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("headers", _pending.Select(p => p.Headers).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("scheduled", _pending.Select(p => p.ScheduledAt).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("created", _pending.Select(_ => now).ToArray()));
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_runtime.Sql.Notify));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _pending.Clear();
        _cancelled.Clear();
    }

    /// <summary>
    /// Writes this outbox's messages in <paramref name="session"/>'s transaction from now on: what is pending is queued on
    /// the session at once, and every later message as it is published, so the messages commit (and wake the workers) or
    /// roll back with the session's events.
    /// </summary>
    public void Enlist(IDocumentOperations session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_sessions.Contains(session))
        {
            return;
        }
        QueueIn(session);
        _sessions.Add(session);
    }

    /// <summary>Queues the pending messages (and cancellations) on <paramref name="operations"/> and clears them.</summary>
    public void QueueIn(IDocumentOperations operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (_cancelled.Count > 0)
        {
            operations.QueueSqlCommand($"DELETE FROM {_runtime.Sql.Schema}.messages WHERE id = ANY(?)", [_cancelled.ToArray()]);
        }
        foreach (var pending in _pending)
        {
            Queue(operations, pending);
        }
        _pending.Clear();
        _cancelled.Clear();
    }

    private void Queue(IDocumentOperations operations, PendingMessage message)
    {
        operations.QueueSqlCommand(
            $"""
            INSERT INTO {_runtime.Sql.Schema}.messages (id, message_type, body, headers, scheduled_at, created_at)
            VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?) ON CONFLICT (id) DO NOTHING
            """,
            message.Id, message.Type, message.Body, message.Headers, message.ScheduledAt, _runtime.Time.GetUtcNow());
        // PostgreSQL folds identical notifications of one transaction into one, delivered when it commits.
        operations.QueueSqlCommand(_runtime.Sql.Notify);
    }

    private sealed record PendingMessage(Guid Id, string Type, string Body, string Headers, DateTimeOffset ScheduledAt);
}

/// <summary>Enlisting the outbox in a Marten session.</summary>
public static class MessageOutboxSessions
{
    /// <summary>The outbox's messages commit with this session's events (see <see cref="MessageOutbox.Enlist"/>).</summary>
    public static void Enlist(this IDocumentSession session, MessageOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        outbox.Enlist(session);
    }
}
