using System.Collections.Concurrent;

namespace Takedown.EventStore;

/// <summary>
/// Maps event types to stable names, so that renaming or moving a class never breaks a stored stream.
/// An event whose type is not registered cannot be appended.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, string> _names = new();
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="type"/> under <paramref name="name"/>; both must be unique.</summary>
    public void Register(Type type, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_types.TryGetValue(name, out var existing) && existing != type)
        {
            throw new InvalidOperationException($"Event name '{name}' is already used by {existing.Name}.");
        }
        if (_names.TryGetValue(type, out var existingName) && existingName != name)
        {
            throw new InvalidOperationException($"{type.Name} is already registered as '{existingName}'.");
        }
        _types[name] = type;
        _names[type] = name;
    }

    /// <summary>Registers every pair of a name → type map (e.g. the domain's catalogue of events).</summary>
    public void RegisterAll(IReadOnlyDictionary<string, Type> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var (name, type) in events)
        {
            Register(type, name);
        }
    }

    public string NameOf(Type type) =>
        _names.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"Event type {type.Name} has no stable name; register it first.");

    /// <summary>The CLR type for a stored name, or null when this build does not know it (read as raw JSON).</summary>
    public Type? TypeOf(string name) => _types.GetValueOrDefault(name);

    public IReadOnlyCollection<string> Names => _types.Keys.ToArray();
}
