namespace Takedown.Application.EventStorage;

/// <summary>
/// What is stored with every event beside its data: the correlation id (the request or message that started the work),
/// the causation id (the message that caused it), who acted (<c>victim:…</c>, <c>operator:…</c>, <c>integration:…</c>,
/// <c>system</c>) and the W3C trace parent of the append. Never personal data.
/// </summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? TraceParent = null)
{
    public static readonly EventMetadata None = new();
}
