namespace Takedown.Messaging;

/// <summary>Names of the headers stored with every message.</summary>
public static class MessageHeaders
{
    /// <summary>The id shared by every message that follows from one first command or message.</summary>
    public const string CorrelationId = "correlation-id";

    /// <summary>The id of the message whose handler sent this one.</summary>
    public const string CausationId = "causation-id";

    /// <summary>The W3C trace context of the sender, so the handler's trace continues the sender's.</summary>
    public const string TraceParent = "traceparent";
}
