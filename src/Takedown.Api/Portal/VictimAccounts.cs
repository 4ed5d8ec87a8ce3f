using System.Security.Cryptography;
using System.Text;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.Portal;

/// <summary>
/// Victims and their one-time sign-in links. A link's token is 32 random bytes; only its SHA-256 is stored, with an
/// expiry of <see cref="LinkLifetime"/>, and using it marks it used in the same statement, so it works once even
/// when two requests race. The e-mail address is kept only as an HMAC under <c>Portal:EmailKey</c>.
/// </summary>
public sealed class VictimAccounts(NpgsqlDataSource dataSource, DatabaseOptions options, PortalKeys keys, TimeProvider time)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    private string Schema => options.Schema;

    /// <summary>The victim with this address, created on first use: signing in for the first time is signing up.</summary>
    public async Task<Guid> FindOrCreateAsync(string email, CancellationToken cancellationToken)
    {
        var hmac = keys.EmailHmac(email);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {Schema}.portal_victims (id, email_hmac, security_stamp, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (email_hmac) DO UPDATE SET email_hmac = EXCLUDED.email_hmac
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7(time.GetUtcNow()) });
        command.Parameters.Add(new NpgsqlParameter { Value = hmac });
        command.Parameters.Add(new NpgsqlParameter { Value = NewStamp() });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        return (Guid)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Issues a new sign-in token for the victim and publishes the mail that carries it (<paramref name="mail"/> gets
    /// the token and its expiry) in the same transaction: a token is never stored without its mail, nor the reverse.
    /// </summary>
    public async Task IssueTokenAsync(Guid victimId, MessageOutbox outbox, Func<string, DateTimeOffset, object> mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(mail);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expires = now + LinkLifetime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            $"INSERT INTO {Schema}.portal_sign_in_tokens (token_sha256, victim_id, expires_at, created_at) VALUES ($1, $2, $3, $4)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Sha256(token) });
            command.Parameters.Add(new NpgsqlParameter { Value = victimId });
            command.Parameters.Add(new NpgsqlParameter { Value = expires });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        outbox.Publish(mail(token, expires));
        await outbox.SaveAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Uses a token: the victim and their current security stamp, or null when unknown, expired or used.</summary>
    public async Task<(Guid VictimId, string Stamp)?> RedeemAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }
        await using var command = dataSource.CreateCommand($"""
            UPDATE {Schema}.portal_sign_in_tokens t SET used_at = $2
            FROM {Schema}.portal_victims v
            WHERE t.token_sha256 = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND v.id = t.victim_id
            RETURNING v.id, v.security_stamp
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Sha256(token) });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }

    public async Task<string?> StampAsync(Guid victimId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT security_stamp FROM {Schema}.portal_victims WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = victimId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// "Sign out everywhere": a new stamp ends every session that carries the old one (checked on each request),
    /// and links not yet used are dropped too.
    /// </summary>
    public async Task SignOutEverywhereAsync(Guid victimId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE {Schema}.portal_victims SET security_stamp = $2 WHERE id = $1")
        { Parameters = { new NpgsqlParameter { Value = victimId }, new NpgsqlParameter { Value = NewStamp() } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {Schema}.portal_sign_in_tokens WHERE victim_id = $1 AND used_at IS NULL")
        { Parameters = { new NpgsqlParameter { Value = victimId } } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewStamp() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The portal's secret for e-mail HMACs (<c>Portal:EmailKey</c>, at least 32 characters).</summary>
public sealed class PortalKeys
{
    private readonly byte[] _emailKey;

    public PortalKeys(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var key = configuration["Portal:EmailKey"];
        if (string.IsNullOrEmpty(key))
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            {
                throw new InvalidOperationException("Portal:EmailKey is not set: set a random secret of at least 32 characters.");
            }
            // Local runs only: victims are not found again after a restart, which is fine without real victims.
            key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        }
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Portal:EmailKey must be at least 32 characters.");
        }
        _emailKey = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>HMAC-SHA256 of the normalised address (trimmed, lower case), so "A@x.nl " and "a@x.nl" are one victim.</summary>
    public string EmailHmac(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_emailKey, Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));
    }
}
