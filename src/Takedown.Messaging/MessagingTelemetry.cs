using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Takedown.Messaging;

/// <summary>
/// The messaging engine's spans and counters (source and meter "Takedown.Messaging"). Labels are message type names,
/// never a message body: bodies may hold a victim's personal data.
/// </summary>
public static class MessagingTelemetry
{
    public const string Name = "Takedown.Messaging";

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("takedown.messages.handled", description: "Messages handled and removed from the outbox");

    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("takedown.messages.retried", description: "Failed deliveries given back for another try");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("takedown.messages.dead_lettered", description: "Messages moved to the dead letters for an operator");

    internal static KeyValuePair<string, object?> TypeTag(string messageType) => new("message_type", messageType);

    /// <summary>
    /// A producer span for a message written to the outbox; its id is stored with the message as the W3C
    /// traceparent, so the worker's handle span becomes its child even in another process, days later.
    /// </summary>
    internal static string? PublishTraceParent(string messageType, Guid messageId, DateTimeOffset scheduledAt, DateTimeOffset now)
    {
        using var activity = MessageWorker.ActivitySource.StartActivity($"publish {messageType}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "takedown-outbox");
        activity?.SetTag("messaging.message.id", messageId);
        activity?.SetTag("messaging.message.type", messageType);
        if (scheduledAt > now)
        {
            activity?.SetTag("messaging.scheduled_at", scheduledAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
        var current = activity ?? Activity.Current;
        return current is { IdFormat: ActivityIdFormat.W3C } ? current.Id : null;
    }
}
