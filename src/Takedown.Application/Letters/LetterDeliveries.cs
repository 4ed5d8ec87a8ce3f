using Microsoft.Extensions.Hosting;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Sending;

namespace Takedown.Application.Letters;

/// <summary>
/// A journal of what the SMTP server accepted, written the moment it accepts, outside the handler's transaction.
/// Sending a letter and recording it as sent cannot be one transaction: when the database goes away between the two
/// (a restart, a failover) the handler's transaction is lost and the message is retried. The retry finds the receipt
/// here and records it instead of sending the letter a second time.
/// </summary>
public sealed class LetterDeliveries(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time)
{
    internal const string Component = "letter-deliveries";

    internal static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.letter_deliveries (
            letter_id uuid PRIMARY KEY,
            message_id text NOT NULL,
            content_sha256 text NOT NULL,
            server_reply text NOT NULL,
            sent_at timestamptz NOT NULL);
        """,
    ];

    /// <summary>How long a receipt is retried while the database is unreachable, before the handler gives up.</summary>
    public static readonly TimeSpan RecordFor = TimeSpan.FromSeconds(90);

    /// <summary>The receipt of an earlier attempt that reached the SMTP server, or null.</summary>
    public async Task<SendReceipt?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid letterId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT message_id, content_sha256, server_reply, sent_at FROM {options.Schema}.letter_deliveries WHERE letter_id = @id",
            connection, transaction);
        command.Parameters.AddWithValue("id", letterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SendReceipt(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    /// <summary>Records an accepted letter on a connection of its own, retrying while the database restarts.</summary>
    public async Task RecordAsync(Guid letterId, SendReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var giveUpAt = time.GetUtcNow() + RecordFor;
        while (true)
        {
            try
            {
                await using var command = dataSource.CreateCommand($"""
                    INSERT INTO {options.Schema}.letter_deliveries (letter_id, message_id, content_sha256, server_reply, sent_at)
                    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (letter_id) DO NOTHING
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = letterId });
                command.Parameters.Add(new NpgsqlParameter { Value = receipt.MessageId });
                command.Parameters.Add(new NpgsqlParameter { Value = receipt.ContentSha256 });
                command.Parameters.Add(new NpgsqlParameter { Value = receipt.ServerReply });
                command.Parameters.Add(new NpgsqlParameter { Value = receipt.SentAt });
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient || e is not PostgresException)
            {
                if (time.GetUtcNow() >= giveUpAt)
                {
                    throw;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
            }
        }
    }

    internal sealed class Migration(NpgsqlDataSource dataSource, DatabaseOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(dataSource, options.Schema, Component, Steps, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
