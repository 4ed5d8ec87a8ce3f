using System.Text.Json;
using System.Text.Json.Serialization;
using Takedown.EventStore.Protection;

namespace Takedown.EventStore;

/// <summary>Configuration of the event store (section <c>EventStore</c>; the connection string is <c>ConnectionStrings:Takedown</c>).</summary>
public sealed class EventStoreOptions
{
    /// <summary>The PostgreSQL schema holding the event store's tables.</summary>
    public string Schema { get; set; } = "takedown";

    /// <summary>Event types and their stable names.</summary>
    public EventTypeRegistry Types { get; } = new();

    /// <summary>Projections, inline (same transaction as the append) or asynchronous (the projection daemon).</summary>
    public List<IProjection> Projections { get; } = [];

    /// <summary>How many events the asynchronous projection daemon applies in one transaction.</summary>
    public int DaemonBatchSize { get; set; } = 1000;

    /// <summary>How long the daemon waits before looking again when it has caught up.</summary>
    public TimeSpan DaemonPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Encrypts personal data in events per subject (crypto-shredding); null: events are stored as they are.</summary>
    public PersonalDataProtection? Protection { get; set; }

    /// <summary>Serializer for event data and metadata (web defaults, enums as strings).</summary>
    public JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Registers an event type under a stable name.</summary>
    public EventStoreOptions Event<T>(string name)
    {
        Types.Register(typeof(T), name);
        return this;
    }

    /// <summary>Adds a projection with its lifecycle.</summary>
    public EventStoreOptions Projection(IProjection projection)
    {
        Projections.Add(projection);
        return this;
    }

    /// <summary>The serializer settings the store uses, for tools that write rows to compare with ours.</summary>
    public static JsonSerializerOptions CreateJsonForBenchmarks() => CreateJson();

    internal static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        json.Converters.Add(new JsonStringEnumConverter());
        return json;
    }
}
