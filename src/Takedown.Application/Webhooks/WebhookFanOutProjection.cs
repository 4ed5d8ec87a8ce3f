using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.EventStore;
using Takedown.Messaging;

namespace Takedown.Application.Webhooks;

/// <summary>
/// Turns request status changes into one <see cref="DeliverWebhook"/> message per interested subscription, in the
/// appending transaction: a status change that commits always gets delivered, one that rolls back never does.
/// Only subscriptions of the integration that owns the case are asked (a partner never hears of other partners' cases).
/// Runs after the request overview projection, so the status it reports is the one after the event.
/// </summary>
public sealed class WebhookFanOutProjection(IServiceScopeFactory scopes) : IProjection
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "webhook-fan-out";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        List<DeliverWebhook>? deliveries = null;
        foreach (var stored in events)
        {
            if (OutgoingWebhookEvents.Of(stored.Data) is not { } outgoing)
            {
                continue;
            }
            await using var command = new NpgsqlCommand(
                $"""
                SELECT s.id, r.case_id, r.kind, r.status
                FROM {context.Schema}.request_overview r
                JOIN {context.Schema}.case_overview c ON c.id = r.case_id
                JOIN {context.Schema}.webhook_subscriptions s ON s.owner = c.owner
                WHERE r.id = @request AND s.disabled_at IS NULL
                  AND (cardinality(s.event_types) = 0 OR @type = ANY (s.event_types))
                """, context.Connection, context.Transaction);
            command.Parameters.AddWithValue("request", stored.StreamId);
            command.Parameters.AddWithValue("type", outgoing.Type);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var payload = new OutgoingWebhookPayload(outgoing.Type, outgoing.At, new OutgoingWebhookData(
                    stored.Id, reader.GetGuid(1), stored.StreamId, reader.GetString(2), reader.GetString(3), outgoing.At));
                (deliveries ??= []).Add(new DeliverWebhook(
                    reader.GetGuid(0), "evt_" + stored.Id.ToString("N"), outgoing.Type, JsonSerializer.Serialize(payload, Json)));
            }
        }
        if (deliveries is null)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var outbox = scope.ServiceProvider.GetService<MessageOutbox>()
            ?? throw new InvalidOperationException("Webhook deliveries need the messaging outbox: call AddTakedownMessaging in this host.");
        foreach (var delivery in deliveries)
        {
            outbox.Publish(delivery);
        }
        await outbox.SaveAsync(context.Connection, context.Transaction, cancellationToken);
    }

    // Deliveries already published stay in the outbox; a rebuild must not send them again.
    public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
