using Takedown.Messaging;

namespace Takedown.Application.Webhooks;

/// <summary>Deliver one event to one subscription; <see cref="Attempt"/> counts this delivery's tries, from 1.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="WebhookId">The <c>webhook-id</c>: the same on every try, so the receiver can drop a duplicate.</param>
/// <param name="EventType">The outgoing event type.</param>
/// <param name="Payload">The JSON body, fixed when the event happened.</param>
/// <param name="Attempt">Which try this is.</param>
[MessageType("deliver-webhook")]
public sealed record DeliverWebhook(Guid SubscriptionId, string WebhookId, string EventType, string Payload, int Attempt = 1);
