using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Takedown.Messaging;
using Takedown.Platforms.Webhooks;
using Takedown.Application.Storage;

namespace Takedown.Application.Webhooks;

/// <summary>Retries and disabling of outgoing webhooks (configuration section <c>Webhooks:Outgoing</c>).</summary>
public sealed class OutgoingWebhookOptions
{
    /// <summary>Tries per delivery, the first included, before the delivery is dead.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Dead deliveries in a row after which the subscription is switched off.</summary>
    public int DisableAfterDeadDeliveries { get; set; } = 5;

    /// <summary>How long one try may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Sends one outgoing webhook, signed as the Standard Webhooks specification has it, and logs the try. A failed try
/// is not an exception: it is logged and the next try is scheduled with backoff in the same transaction (an
/// exception would roll the log back). A dead delivery counts against the subscription, which is disabled after
/// <see cref="OutgoingWebhookOptions.DisableAfterDeadDeliveries"/> in a row; a 410 Gone disables it at once.
/// </summary>
public static class DeliverWebhookHandler
{
    public const string HttpClientName = "webhooks-out";

    public static async Task HandleAsync(
        DeliverWebhook message, MessageContext context, DatabaseOptions storeOptions, OutgoingWebhookOptions options,
        IHttpClientFactory clients, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(storeOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        var schema = storeOptions.Schema;
        string url;
        string secret;
        string owner;
        await using (var load = new NpgsqlCommand(
            $"SELECT url, sealed_secret, secret, owner FROM {schema}.webhook_subscriptions WHERE id = @id AND disabled_at IS NULL",
            context.Connection, context.Transaction))
        {
            load.Parameters.AddWithValue("id", message.SubscriptionId);
            await using var reader = await load.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return;
            }
            url = reader.GetString(0);
            // A secret still in plaintext was stored before secrets were sealed; the start-up pass seals it.
            secret = reader.IsDBNull(1)
                ? reader.GetString(2)
                : WebhookSecretSealing.Open(storeOptions, message.SubscriptionId, reader.GetFieldValue<byte[]>(1))
                    ?? throw new InvalidOperationException(
                        "The subscription's secret opens with no configured master key (Privacy:MasterKey, Privacy:PreviousMasterKeys).");
            owner = reader.GetString(3);
        }

        var body = Encoding.UTF8.GetBytes(message.Payload);
        int? statusCode = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            foreach (var (name, value) in WebhookSigner.Headers([WebhookSecret.Parse(secret)], message.WebhookId, time.GetUtcNow(), body))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            using var response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            statusCode = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The exception's type only: its message may carry the receiver's address.
            error = e.GetType().Name;
        }

        var now = time.GetUtcNow();
        var delivered = statusCode is >= 200 and < 300;
        var gone = statusCode == 410;
        var dead = !delivered && (gone || message.Attempt >= options.MaxAttempts);
        var outcome = delivered ? "delivered" : dead ? "dead" : "failed";
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
        var log = new NpgsqlBatchCommand(
            $"""
            INSERT INTO {schema}.webhook_deliveries (subscription_id, webhook_id, event_type, attempt, attempted_at, status_code, outcome, error)
            VALUES (@id, @webhook, @type, @attempt, @now, @status, @outcome, @error)
            """);
        log.Parameters.AddWithValue("id", message.SubscriptionId);
        log.Parameters.AddWithValue("webhook", message.WebhookId);
        log.Parameters.AddWithValue("type", message.EventType);
        log.Parameters.AddWithValue("attempt", message.Attempt);
        log.Parameters.AddWithValue("now", now);
        log.Parameters.Add(new NpgsqlParameter<int?>("status", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = statusCode });
        log.Parameters.AddWithValue("outcome", outcome);
        log.Parameters.Add(new NpgsqlParameter<string?>("error", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = error });
        batch.BatchCommands.Add(log);
        if (delivered)
        {
            var reset = new NpgsqlBatchCommand($"UPDATE {schema}.webhook_subscriptions SET consecutive_failures = 0 WHERE id = @id AND consecutive_failures <> 0");
            reset.Parameters.AddWithValue("id", message.SubscriptionId);
            batch.BatchCommands.Add(reset);
        }
        else if (!dead)
        {
            context.Schedule(message with { Attempt = message.Attempt + 1 }, now + Backoff(options, message.Attempt));
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var disabled = false;
        if (dead)
        {
            await using var count = new NpgsqlCommand(
                $"""
                UPDATE {schema}.webhook_subscriptions
                SET consecutive_failures = consecutive_failures + 1,
                    disabled_at = CASE WHEN @gone OR consecutive_failures + 1 >= @limit THEN @now ELSE disabled_at END
                WHERE id = @id
                RETURNING @gone OR consecutive_failures >= @limit
                """, context.Connection, context.Transaction);
            count.Parameters.AddWithValue("id", message.SubscriptionId);
            count.Parameters.AddWithValue("gone", gone);
            count.Parameters.AddWithValue("limit", options.DisableAfterDeadDeliveries);
            count.Parameters.AddWithValue("now", now);
            disabled = await count.ExecuteScalarAsync(cancellationToken) is true;
        }
        // The partner's configured name (owner "integration:{name}"), never the receiver's address.
        TakedownMetrics.RecordOutgoingWebhook(owner.StartsWith("integration:", StringComparison.Ordinal) ? owner["integration:".Length..] : "unknown",
            delivered ? "delivered" : disabled ? "disabled" : "failed");
    }

    /// <summary>Exponential backoff with equal jitter, so a receiver coming back up is not hit by every retry at once.</summary>
    public static TimeSpan Backoff(OutgoingWebhookOptions options, int failedAttempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetryPolicy(options.MaxAttempts, options.FirstDelay, options.MaxDelay).DelayAfter(failedAttempt, Random.Shared.NextDouble());
    }
}
