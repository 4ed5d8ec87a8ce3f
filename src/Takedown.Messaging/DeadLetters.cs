using System.Text.Json;
using Npgsql;

namespace Takedown.Messaging;

/// <summary>A message that failed for good, with the error of its last attempt (exception type and message only).</summary>
public sealed record DeadLetter(
    Guid Id,
    string MessageType,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    int Attempts,
    string Error,
    DateTimeOffset FailedAt);

/// <summary>The dead-letter table: messages that used up their retries or failed permanently, for operators to inspect and replay.</summary>
public sealed class DeadLetters
{
    private readonly MessagingRuntime _runtime;

    internal DeadLetters(MessagingRuntime runtime) => _runtime = runtime;

    /// <summary>The most recent dead letters first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        var s = _runtime.Sql.Schema;
        await using var command = _runtime.DataSource.CreateCommand(
            $"SELECT id, message_type, body::text, headers::text, attempts, error, failed_at FROM {s}.dead_letters ORDER BY failed_at DESC, id LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        var result = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DeadLetter(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return result;
    }

    /// <summary>
    /// Puts a dead letter back in the queue, due now, with its attempts reset and its id kept (so idempotency
    /// keys derived from it stay the same). Returns false when there is no dead letter with that id.
    /// </summary>
    public async Task<bool> ReplayAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _runtime.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var replayed = await ReplayAsync(id, connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return replayed;
    }

    /// <summary>
    /// <see cref="ReplayAsync(Guid, CancellationToken)"/> inside the caller's transaction, so what the caller records
    /// about the replay (an operator's audit event) commits or rolls back with it. The workers are woken at the commit.
    /// </summary>
    public async Task<bool> ReplayAsync(Guid id, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var s = _runtime.Sql.Schema;
        var now = _runtime.Time.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var move = new NpgsqlBatchCommand(
            $"""
            WITH replayed AS (DELETE FROM {s}.dead_letters WHERE id = @id RETURNING *)
            INSERT INTO {s}.messages (id, message_type, body, headers, scheduled_at, attempts, created_at)
            SELECT id, message_type, body, headers, @now, 0, @now FROM replayed
            """);
        move.Parameters.AddWithValue("id", id);
        move.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(move);
        // NOTIFY inside a transaction is delivered when it commits, and not at all when it rolls back.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_runtime.Sql.Notify));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return move.RecordsAffected == 1;
    }
}
