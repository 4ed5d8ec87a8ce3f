using Npgsql;

namespace Takedown.Messaging;

/// <summary>
/// Creates and upgrades the messaging tables. Safe to run from every host at start-up: the migrations run under a
/// transaction-scoped advisory lock, so two hosts starting at once apply each version exactly once.
/// </summary>
public sealed class MessagingSchema
{
    private readonly MessagingRuntime _runtime;

    internal MessagingSchema(MessagingRuntime runtime) => _runtime = runtime;

    /// <summary>Each entry is one schema version; append new versions, never edit old ones.</summary>
    /// <remarks>
    /// messages keeps free space in its pages (fillfactor) so that claiming a message, which changes only the
    /// unindexed lease columns, is a HOT update that touches no index.
    /// </remarks>
    private static string[] Migrations(string s) =>
    [
        $"""
        CREATE TABLE {s}.messages (
            id uuid PRIMARY KEY,
            message_type text NOT NULL,
            body jsonb NOT NULL,
            headers jsonb NOT NULL,
            scheduled_at timestamptz NOT NULL,
            attempts int NOT NULL DEFAULT 0,
            lease_owner text NULL,
            lease_until timestamptz NULL,
            last_error text NULL,
            created_at timestamptz NOT NULL
        ) WITH (fillfactor = 70);
        CREATE INDEX messages_due ON {s}.messages (scheduled_at);
        CREATE TABLE {s}.processed_messages (
            message_id uuid PRIMARY KEY,
            handled_at timestamptz NOT NULL
        );
        CREATE INDEX processed_messages_handled_at ON {s}.processed_messages (handled_at);
        CREATE TABLE {s}.dead_letters (
            id uuid PRIMARY KEY,
            message_type text NOT NULL,
            body jsonb NOT NULL,
            headers jsonb NOT NULL,
            attempts int NOT NULL,
            error text NOT NULL,
            failed_at timestamptz NOT NULL
        );
        CREATE INDEX dead_letters_failed_at ON {s}.dead_letters (failed_at);
        """,
    ];

    /// <summary>The schema version this code expects.</summary>
    public static int CurrentVersion => Migrations("s").Length;

    /// <summary>Brings the schema up to <see cref="CurrentVersion"/>; does nothing when it is already there.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        var s = _runtime.Sql.Schema;
        var connection = await _runtime.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("key", $"takedown.messaging.{s}")).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction,
                    $"""
                    CREATE SCHEMA IF NOT EXISTS {s};
                    CREATE TABLE IF NOT EXISTS {s}.messaging_schema_versions (
                        version int PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    );
                    """, cancellationToken).ConfigureAwait(false);
                int applied;
                await using (var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {s}.messaging_schema_versions", connection, transaction))
                {
                    applied = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }
                var migrations = Migrations(s);
                for (var version = applied + 1; version <= migrations.Length; version++)
                {
                    await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, $"INSERT INTO {s}.messaging_schema_versions (version) VALUES (@version)", cancellationToken, ("version", version)).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
