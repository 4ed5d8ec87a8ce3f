using Npgsql;
using Takedown.Platforms.Webhooks;
using Takedown.Application.Storage;

namespace Takedown.Application.Webhooks;

/// <summary>An integration's subscription to outgoing webhooks. The secret is never part of it: it is shown once.</summary>
public sealed record WebhookSubscription(
    Guid Id, Uri Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, int ConsecutiveFailures);

/// <summary>One try to deliver one webhook, as the delivery log keeps it.</summary>
public sealed record WebhookDeliveryAttempt(
    string WebhookId, string EventType, int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, string Outcome, string? Error);

/// <summary>
/// Subscriptions are owned by the integration that made them (its actor, "integration:&lt;name&gt;"): every read and
/// change is scoped to the owner, so one partner cannot see or remove another's.
/// </summary>
public sealed class WebhookSubscriptions(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time)
{
    private string Schema => options.Schema;

    /// <summary>Creates a subscription with a fresh secret; the secret's <c>whsec_</c> form is returned this once.</summary>
    public async Task<(WebhookSubscription Subscription, string Secret)> CreateAsync(
        string owner, Uri url, IReadOnlyList<string> eventTypes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(eventTypes);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var secret = WebhookSecret.Generate().Export();
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.webhook_subscriptions (id, owner, url, sealed_secret, event_types, created_at)
            VALUES (@id, @owner, @url, @secret, @types, @now)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("url", url.AbsoluteUri);
        command.Parameters.AddWithValue("secret", WebhookSecretSealing.Seal(options, id, secret));
        command.Parameters.AddWithValue("types", eventTypes.Distinct().ToArray());
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (new WebhookSubscription(id, url, [.. eventTypes.Distinct()], now, null, 0), secret);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        await QueryAsync(owner, null, cancellationToken);

    public async Task<WebhookSubscription?> FindAsync(string owner, Guid id, CancellationToken cancellationToken = default) =>
        (await QueryAsync(owner, id, cancellationToken)).SingleOrDefault();

    /// <summary>Removes the subscription and its log; deliveries still queued for it are dropped when they come up.</summary>
    public async Task<bool> DeleteAsync(string owner, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {Schema}.webhook_subscriptions WHERE id = @id AND owner = @owner");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Turns a subscription that was disabled after failing deliveries back on.</summary>
    public async Task<bool> EnableAsync(string owner, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE {Schema}.webhook_subscriptions SET disabled_at = NULL, consecutive_failures = 0 WHERE id = @id AND owner = @owner");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The newest tries first; null when the subscription is not the owner's.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryAttempt>?> DeliveriesAsync(
        string owner, Guid id, int limit = 100, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(owner, id, cancellationToken) is null)
        {
            return null;
        }
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT webhook_id, event_type, attempt, attempted_at, status_code, outcome, error
            FROM {Schema}.webhook_deliveries WHERE subscription_id = @id ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("limit", limit);
        var result = new List<WebhookDeliveryAttempt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WebhookDeliveryAttempt(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return result;
    }

    private async Task<List<WebhookSubscription>> QueryAsync(string owner, Guid? id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT id, url, event_types, created_at, disabled_at, consecutive_failures
            FROM {Schema}.webhook_subscriptions WHERE owner = @owner AND (@id IS NULL OR id = @id) ORDER BY created_at
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.Add(new NpgsqlParameter<Guid?>("id", NpgsqlTypes.NpgsqlDbType.Uuid) { TypedValue = id });
        var result = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WebhookSubscription(
                reader.GetGuid(0), new Uri(reader.GetString(1)), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5)));
        }
        return result;
    }
}
