namespace Takedown.Messaging;

/// <summary>The SQL of the messaging tables, with the (validated) schema name filled in.</summary>
internal sealed class MessagingSql(string schema)
{
    public string Schema { get; } = schema;

    /// <summary>NOTIFY channel; a notification is delivered only when the publishing transaction commits.</summary>
    public string Channel { get; } = schema + "_messages";

    public string Notify => $"SELECT pg_notify('{Channel}', '')";

    public string Insert =>
        $"""
        INSERT INTO {Schema}.messages (id, message_type, body, headers, scheduled_at, created_at)
        SELECT * FROM unnest(@ids, @types, @bodies::jsonb[], @headers::jsonb[], @scheduled, @created)
        ON CONFLICT (id) DO NOTHING
        """;

    // Due = scheduled_at passed and no live lease. The range condition on scheduled_at uses messages_due, so the
    // cost depends on the messages due (plus the few in flight), never on those still in the future.
    public string FindDue =>
        $"""
        SELECT id FROM {Schema}.messages
         WHERE scheduled_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY scheduled_at
         LIMIT @limit
         FOR UPDATE SKIP LOCKED
        """;

    public string Claim =>
        $"""
        UPDATE {Schema}.messages m
           SET lease_owner = @owner, lease_until = @until, attempts = m.attempts + 1
          FROM ({FindDue}) due
         WHERE m.id = due.id
        RETURNING m.id, m.message_type, m.body::text, m.headers::text, m.scheduled_at, m.attempts
        """;

    public string NextDue =>
        $"SELECT scheduled_at FROM {Schema}.messages WHERE lease_until IS NULL ORDER BY scheduled_at LIMIT 1";

    public string MarkProcessed =>
        $"INSERT INTO {Schema}.processed_messages (message_id, handled_at) VALUES (@id, @now) ON CONFLICT DO NOTHING";

    public string Delete => $"DELETE FROM {Schema}.messages WHERE id = @id";

    public string Cancel => $"DELETE FROM {Schema}.messages WHERE id = ANY(@ids)";

    // In chunks, so a large backlog never holds one long transaction.
    public string ForgetProcessed =>
        $"""
        DELETE FROM {Schema}.processed_messages
         WHERE message_id IN (SELECT message_id FROM {Schema}.processed_messages WHERE handled_at < @cutoff LIMIT 10000)
        """;

    public string Retry =>
        $"""
        UPDATE {Schema}.messages
           SET scheduled_at = @next, lease_owner = NULL, lease_until = NULL, last_error = @error
         WHERE id = @id AND lease_owner = @owner
        """;

    // Giving a message back on shutdown does not count as an attempt.
    public string Release =>
        $"""
        UPDATE {Schema}.messages
           SET lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
         WHERE id = ANY(@ids) AND lease_owner = @owner
        """;

    public string DeadLetter =>
        $"""
        WITH moved AS (DELETE FROM {Schema}.messages WHERE id = @id AND lease_owner = @owner RETURNING *)
        INSERT INTO {Schema}.dead_letters (id, message_type, body, headers, attempts, error, failed_at)
        SELECT id, message_type, body, headers, attempts, @error, @now FROM moved
        ON CONFLICT (id) DO UPDATE
           SET message_type = excluded.message_type, body = excluded.body, headers = excluded.headers,
               attempts = excluded.attempts, error = excluded.error, failed_at = excluded.failed_at
        """;
}
