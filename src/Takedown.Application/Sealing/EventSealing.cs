using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Marten;
using Npgsql;
using Takedown.Domain;

namespace Takedown.Application.Sealing;

/// <summary>
/// Crypto-shredding for events stored by Marten: the personal data in an event is sealed under its case's own key
/// before Marten serializes it, so the database (and every backup of it) holds only ciphertext, and destroying the
/// case's key erases it everywhere. Marten has no hook that may wait for the database while it serializes, so
/// sealing runs in two parts: <see cref="Listener"/> resolves each pending event's case and makes sure its key is at
/// hand (creating it on first use, on a connection of its own) before the session writes, and <see cref="Converter"/>,
/// a System.Text.Json converter in Marten's serializer, seals and opens the marked properties.
/// </summary>
/// <remarks>
/// The keys, their wrapping with the master key and the envelope format are <see cref="PersonalDataProtection"/>'s;
/// its table is <c>{keySchema}.encryption_keys</c>. Reading opens a sealed value with the wrapped key read
/// from that table and kept for at most <see cref="KeyLifetime"/>: a key destroyed in another process stops opening
/// here within that time, and at once in the process that destroyed it.
/// </remarks>
public sealed class EventSealing
{
    private const int CacheLimit = 100_000;

    private readonly PersonalDataProtection _protection;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _keySchema;
    private readonly TimeProvider _time;
    private readonly HashSet<Type> _eventTypes;
    private readonly ConditionalWeakTable<object, StrongBox<Guid>> _subjects = new();
    private readonly ConcurrentDictionary<Guid, Guid> _streamSubjects = new();
    private readonly ConcurrentDictionary<Guid, (byte[]? Wrapped, long ReadAt)> _wrappedKeys = new();
    private readonly ConcurrentDictionary<Type, bool> _holdsPersonalData = new();

    /// <param name="protection">The keys and the sealing itself.</param>
    /// <param name="dataSource">The database holding the key table and Marten's events.</param>
    /// <param name="keySchema">The schema of <c>encryption_keys</c> and <c>case_streams</c> (which case a stream is of).</param>
    /// <param name="eventTypes">The event types to seal; any other type is left to Marten's own serialization.</param>
    /// <param name="time">The clock that stamps new keys and ages cached ones.</param>
    public EventSealing(
        PersonalDataProtection protection, NpgsqlDataSource dataSource, string keySchema, IEnumerable<Type> eventTypes,
        TimeProvider time)
    {
        _protection = protection;
        _dataSource = dataSource;
        _keySchema = keySchema;
        _time = time;
        _eventTypes = [.. eventTypes];
        Converter = new SealingConverterFactory(this);
        Listener = new SealingListener(this);
    }

    /// <summary>The schema of the key table and of <c>case_streams</c>, which the sealing reads.</summary>
    public string KeySchema => _keySchema;

    /// <summary>How long a wrapped key read from the database is used before it is read again.</summary>
    public TimeSpan KeyLifetime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Add to Marten's System.Text.Json options: seals and opens the personal properties of event types.</summary>
    public JsonConverterFactory Converter { get; }

    /// <summary>Add to Marten's session listeners: prepares each pending event's key before the session writes.</summary>
    public IDocumentSessionListener Listener { get; }

    private async Task PrepareAsync(IDocumentSession session, CancellationToken cancellationToken)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            var events = stream.Events.Select(e => e.Data).ToList();
            if (!events.Any(e => NeedsSealing(e.GetType())))
            {
                continue;
            }
            // The first event of a stream names its case; later ones without a case of their own take the stream's. Every
            // event of one append is sealed for the first case it names.
            var subject = events.Select(_protection.SubjectOf).FirstOrDefault(s => s is not null)
                ?? await StreamSubjectAsync(stream.Id, cancellationToken)
                ?? throw new InvalidOperationException(
                    $"Stream {stream.Id} holds personal data but names no case to seal it for; its first event must name one.");
            Remember(_streamSubjects, stream.Id, subject);
            await _protection.PrepareToSealAsync(_dataSource, _keySchema, _time, subject, cancellationToken);
            foreach (var e in events)
            {
                _subjects.AddOrUpdate(e, new StrongBox<Guid>(subject));
            }
        }
    }

    private async Task<Guid?> StreamSubjectAsync(Guid streamId, CancellationToken cancellationToken)
    {
        if (_streamSubjects.TryGetValue(streamId, out var known))
        {
            return known;
        }
        // Kept by CaseStreamsProjection from the stream's first event (a case id is never sealed).
        await using var command = _dataSource.CreateCommand($"SELECT case_id FROM {_keySchema}.case_streams WHERE stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    // Only events with personal properties need their case's key: an append of anything else costs no key lookup.
    private bool NeedsSealing(Type type) =>
        _eventTypes.Contains(type) && _holdsPersonalData.GetOrAdd(type, t => t.GetProperties().Any(PersonalDataProtection.IsMarked<PersonalDataAttribute>));

    private byte[]? WrappedKey(Guid subject)
    {
        if (_protection.IsKnownDestroyed(subject))
        {
            return null;
        }
        var now = _time.GetTimestamp();
        if (_wrappedKeys.TryGetValue(subject, out var cached) && _time.GetElapsedTime(cached.ReadAt, now) < KeyLifetime)
        {
            return cached.Wrapped;
        }
        // Synchronous: System.Text.Json converters cannot await. It runs once per case per KeyLifetime.
        using var command = _dataSource.CreateCommand($"SELECT key FROM {_keySchema}.encryption_keys WHERE subject_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        var wrapped = command.ExecuteScalar() as byte[];
        Remember(_wrappedKeys, subject, (wrapped, now));
        return wrapped;
    }

    private static void Remember<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value) where TKey : notnull
    {
        if (cache.Count > CacheLimit)
        {
            cache.Clear();
        }
        cache[key] = value;
    }

    private sealed class SealingListener(EventSealing sealing) : DocumentSessionListenerBase
    {
        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token) => sealing.PrepareAsync(session, token);
    }

    private sealed class SealingConverterFactory(EventSealing sealing) : JsonConverterFactory
    {
        private readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> _inner = new();
        public override bool CanConvert(Type typeToConvert) => sealing.NeedsSealing(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(
                typeof(SealingConverter<>).MakeGenericType(typeToConvert), sealing, _inner.GetValue(options, WithoutThis))!;

        // The same settings without this factory: what the event looks like before sealing and after opening.
        private JsonSerializerOptions WithoutThis(JsonSerializerOptions options)
        {
            var inner = new JsonSerializerOptions(options);
            inner.Converters.Remove(this);
            return inner;
        }
    }

    private sealed class SealingConverter<T>(EventSealing sealing, JsonSerializerOptions inner) : JsonConverter<T> where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var node = JsonNode.Parse(ref reader);
            if (node is not JsonObject data)
            {
                return node.Deserialize<T>(inner);
            }
            var envelope = data.Select(p => p.Value).OfType<JsonObject>().FirstOrDefault(o => o.ContainsKey("$enc"));
            if (envelope is null || !Guid.TryParse(envelope["k"]?.GetValue<string>(), out var subject))
            {
                return data.Deserialize<T>(inner);
            }
            var opened = sealing._protection.Open(typeof(T), data.ToJsonString(), inner, sealing.WrappedKey(subject));
            return JsonSerializer.Deserialize<T>(opened, inner);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (!sealing._subjects.TryGetValue(value, out var subject))
            {
                throw new InvalidOperationException(
                    $"A {typeof(T).Name} holds personal data and was not prepared for sealing; it is appended only through a document session.");
            }
            writer.WriteRawValue(sealing._protection.Seal(value, inner, subject.Value), skipInputValidation: true);
        }
    }
}
