using System.Text;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Application.Sealing;

namespace Takedown.Application.Webhooks;

/// <summary>
/// The signing secrets of outgoing webhook subscriptions, sealed under the master key
/// (<c>webhook_subscriptions.sealed_secret</c>, AES-256-GCM bound to the subscription's id): whoever holds a database
/// dump, but not <c>Privacy:MasterKey</c>, cannot sign deliveries in our name. A secret belongs to a partner, not to a
/// case, so it is sealed with the master key itself rather than a case's key; rotating the master key seals it again
/// (<see cref="Privacy.MasterKeyRotation"/>).
/// </summary>
public static class WebhookSecretSealing
{
    private const string Purpose = "takedown:webhook-subscription-secret:";

    /// <summary>The secret's <c>whsec_</c> form, sealed for subscription <paramref name="subscriptionId"/>.</summary>
    public static byte[] Seal(DatabaseOptions options, Guid subscriptionId, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Protection(options).SealWithMasterKey(Encoding.UTF8.GetBytes(secret), Context(subscriptionId));
    }

    /// <summary>The secret, or null when no configured master key opens it.</summary>
    public static string? Open(DatabaseOptions options, Guid subscriptionId, byte[] sealedSecret) =>
        Protection(options).OpenWithMasterKey(sealedSecret, Context(subscriptionId), out _) is { } plain ? Encoding.UTF8.GetString(plain) : null;

    /// <summary>
    /// Seals the secrets stored in plaintext before secrets were sealed (at start-up, after the schema step that added
    /// the column). Each row is changed only if it still holds the plaintext that was read.
    /// </summary>
    public static async Task<int> SealPlaintextAsync(NpgsqlDataSource dataSource, DatabaseOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        var rows = new List<(Guid Id, string Secret)>();
        await using (var select = dataSource.CreateCommand($"SELECT id, secret FROM {options.Schema}.webhook_subscriptions WHERE secret IS NOT NULL"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }
        var sealedCount = 0;
        foreach (var (id, secret) in rows)
        {
            await using var update = dataSource.CreateCommand(
                $"UPDATE {options.Schema}.webhook_subscriptions SET sealed_secret = $1, secret = NULL WHERE id = $2 AND secret = $3");
            update.Parameters.Add(new NpgsqlParameter { Value = Seal(options, id, secret) });
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = secret });
            sealedCount += await update.ExecuteNonQueryAsync(cancellationToken);
        }
        return sealedCount;
    }

    /// <summary>
    /// Seals again, with the current master key, every secret still sealed with a previous one. Safe to run in several
    /// processes at once: a row is replaced only if it still holds the bytes that were read.
    /// </summary>
    /// <returns>How many secrets were sealed again, and how many open with no configured master key (left as they are).</returns>
    public static async Task<(int Rewrapped, int Unreadable)> RewrapAsync(
        NpgsqlDataSource dataSource, DatabaseOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        var protection = Protection(options);
        var rows = new List<(Guid Id, byte[] Sealed)>();
        await using (var select = dataSource.CreateCommand(
            $"SELECT id, sealed_secret FROM {options.Schema}.webhook_subscriptions WHERE sealed_secret IS NOT NULL"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetFieldValue<byte[]>(1)));
            }
        }
        var (rewrapped, unreadable) = (0, 0);
        foreach (var (id, sealedSecret) in rows)
        {
            var plain = protection.OpenWithMasterKey(sealedSecret, Context(id), out var current);
            if (plain is null)
            {
                unreadable++;
                continue;
            }
            if (current)
            {
                continue;
            }
            await using var update = dataSource.CreateCommand(
                $"UPDATE {options.Schema}.webhook_subscriptions SET sealed_secret = $1 WHERE id = $2 AND sealed_secret = $3");
            update.Parameters.Add(new NpgsqlParameter { Value = protection.SealWithMasterKey(plain, Context(id)) });
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = sealedSecret });
            rewrapped += await update.ExecuteNonQueryAsync(cancellationToken);
        }
        return (rewrapped, unreadable);
    }

    private static PersonalDataProtection Protection(DatabaseOptions options) =>
        (options ?? throw new ArgumentNullException(nameof(options))).Protection
        ?? throw new InvalidOperationException("Webhook secrets are sealed under the master key: the event store needs its protection (ProtectPersonalData).");

    private static byte[] Context(Guid subscriptionId) => [.. Encoding.ASCII.GetBytes(Purpose), .. subscriptionId.ToByteArray()];
}
