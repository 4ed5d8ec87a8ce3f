using System.Text.Json;

namespace Takedown.EventStore;

/// <summary>Who and what caused an event: stored as jsonb beside it.</summary>
/// <param name="CorrelationId">Ties every event and message of one user action together.</param>
/// <param name="CausationId">The id of the command or message that caused this event.</param>
/// <param name="Actor">Who acted: "victim", "operator:&lt;id&gt;", "system", "integration:&lt;name&gt;". Never a name or e-mail.</param>
/// <param name="TraceParent">W3C trace context of the append, so a reader can link to the trace.</param>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? TraceParent = null)
{
    public static readonly EventMetadata None = new();
}

/// <summary>An event as stored: its global position, its stream and version, its data and metadata.</summary>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string EventType,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset Timestamp)
{
    /// <summary>The event as a <typeparamref name="T"/>, or null when it is another type.</summary>
    public T? As<T>() where T : class => Data as T;
}

/// <summary>Raised when an append's expected version is not the stream's version: someone else wrote first.</summary>
public sealed class StreamVersionConflictException(Guid streamId, long expectedVersion)
    : Exception($"Stream {streamId} was changed by someone else: expected version {expectedVersion}.")
{
    public Guid StreamId { get; } = streamId;

    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>Event data whose type this build does not know (kept as raw JSON so reading never fails).</summary>
public sealed record UnknownEvent(string EventType, JsonElement Json);
