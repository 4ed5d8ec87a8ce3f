using Npgsql;

namespace Takedown.Testing;

/// <summary>
/// Wolverine schedules on the system clock; a test moves its own clock (<see cref="ManualTimeProvider"/>). Moving
/// every scheduled message earlier by as much as the test's clock moved forward makes due what the test made due,
/// and Wolverine's own polling then handles it as it would in production.
/// </summary>
public static class WolverineSchedule
{
    public const string Schema = "takedown_messages";

    /// <summary>
    /// Waits (up to 10 s) until Wolverine has nothing due or in hand: a handler that read the old time and has not yet
    /// stored what it scheduled would otherwise miss the shift.
    /// </summary>
    public static void WaitUntilSettled(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            $"""
            SELECT NOT EXISTS (SELECT 1 FROM {Schema}.wolverine_incoming_envelopes
                               WHERE status = 'Incoming' OR (status = 'Scheduled' AND execution_time <= now()))
               AND NOT EXISTS (SELECT 1 FROM {Schema}.wolverine_outgoing_envelopes)
               AND NOT EXISTS (SELECT 1 FROM {Schema}.wolverine_queue_deadlines)
               AND NOT EXISTS (SELECT 1 FROM {Schema}.wolverine_queue_deadlines_scheduled WHERE execution_time <= now())
            """, connection);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!(bool)command.ExecuteScalar()! && DateTime.UtcNow < until)
        {
            Thread.Sleep(50);
        }
    }

    public static void Shift(string connectionString, TimeSpan moved)
    {
        if (moved <= TimeSpan.Zero)
        {
            return;
        }
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            $"""
            DO $$
            DECLARE t text;
            BEGIN
              FOR t IN SELECT table_name FROM information_schema.tables
                       WHERE table_schema = '{Schema}' AND (table_name LIKE 'wolverine\_queue\_%\_scheduled' OR table_name = 'wolverine_incoming_envelopes')
              LOOP
                EXECUTE format('UPDATE {Schema}.%I SET execution_time = execution_time - interval ''{(long)moved.TotalMilliseconds} milliseconds'' WHERE execution_time IS NOT NULL', t);
              END LOOP;
            END $$;
            """, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// How many of Wolverine's messages still to handle (scheduled, queued, being retried) or dead name every one of
    /// <paramref name="parts"/> in their body (a stored envelope holds the message's JSON); handled ones are not counted.
    /// </summary>
    public static async Task<long> CountNamingAsync(string connectionString, params object[] parts)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var matches = string.Join(" AND ", parts.Select((_, i) => $"position(convert_to(${i + 1}, 'UTF8') IN body) > 0"));
        await using var command = new NpgsqlCommand(
            $"""
            SELECT (SELECT count(*) FROM {Schema}.wolverine_incoming_envelopes WHERE status <> 'Handled' AND {matches})
                 + (SELECT count(*) FROM {Schema}.wolverine_outgoing_envelopes WHERE {matches})
                 + (SELECT count(*) FROM {Schema}.wolverine_dead_letters WHERE {matches})
                 + (SELECT count(*) FROM {Schema}.wolverine_queue_deadlines WHERE {matches})
                 + (SELECT count(*) FROM {Schema}.wolverine_queue_deadlines_scheduled WHERE {matches})
            """, connection);
        foreach (var part in parts)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Convert.ToString(part, System.Globalization.CultureInfo.InvariantCulture)!.ToLowerInvariant() });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Whether a message of <paramref name="messageType"/> naming <paramref name="id"/> waits in Wolverine for later than
    /// <paramref name="after"/> from now (system clock).
    /// </summary>
    public static async Task<bool> WaitsBeyondAsync(string connectionString, string messageType, Guid id, TimeSpan after)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            SELECT EXISTS (SELECT 1 FROM {Schema}.wolverine_incoming_envelopes
                           WHERE status = 'Scheduled' AND message_type = $3 AND execution_time > now() + $2 AND position(convert_to($1, 'UTF8') IN body) > 0)
                OR EXISTS (SELECT 1 FROM {Schema}.wolverine_queue_deadlines_scheduled
                           WHERE message_type = $3 AND execution_time > now() + $2 AND position(convert_to($1, 'UTF8') IN body) > 0)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = messageType });
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
