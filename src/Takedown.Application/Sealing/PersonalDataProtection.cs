using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Takedown.Application.Sealing;

/// <summary>
/// Crypto-shredding: the personal data in events is encrypted with a key of its subject (a case), so destroying that
/// one key erases the data from every stored event without rewriting history. Each marked property's JSON value is
/// replaced by an envelope <c>{"$enc":"base64(nonce|ciphertext|tag)","k":"subject id"}</c> (AES-256-GCM, the subject
/// id as associated data); the subject keys are stored wrapped with a master key from configuration, so a database
/// dump alone reveals nothing. Once a key is destroyed, reading yields <see cref="Erased"/> for strings, empty lists
/// and null for anything else, and never fails.
/// </summary>
/// <remarks>
/// Which subject an event belongs to is <see cref="EventSealing"/>'s question (the first event of a stream names it).
/// Keys are created (once per subject) and looked up on a connection of their own, never in the append's transaction,
/// and kept in this process's cache, so an append pays no extra round trip once its case's key is known.
/// </remarks>
public sealed class PersonalDataProtection
{
    /// <summary>What an erased string reads as.</summary>
    public const string Erased = "[erased]";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int CacheLimit = 100_000;

    private readonly byte[] _masterKey;
    private readonly byte[][] _previousMasterKeys;
    private readonly Func<PropertyInfo, bool> _isPersonalData;
    private readonly Func<object, Guid?> _subjectOf;
    private readonly ConcurrentDictionary<Type, PersonalProperty[]> _properties = new();
    private readonly ConcurrentDictionary<Guid, WriteKey> _writeKeys = new();
    private readonly ConcurrentDictionary<Guid, (byte[] Wrapped, byte[] Key)> _readKeys = new();

    /// <param name="masterKey">32 bytes (AES-256) that wrap every subject key.</param>
    /// <param name="isPersonalData">Whether an event property holds personal data (e.g. carries a <c>[PersonalData]</c> attribute).</param>
    /// <param name="subjectOf">The subject an event names (e.g. its case id), or null when it names none.</param>
    public PersonalDataProtection(ReadOnlySpan<byte> masterKey, Func<PropertyInfo, bool> isPersonalData, Func<object, Guid?> subjectOf)
        : this(masterKey, [], isPersonalData, subjectOf)
    {
    }

    /// <param name="masterKey">32 bytes (AES-256) that wrap every subject key written from now on.</param>
    /// <param name="previousMasterKeys">
    /// Master keys being rotated out: subject keys wrapped with one of them still open, and
    /// <see cref="RewrapAsync"/> wraps them again with <paramref name="masterKey"/>.
    /// </param>
    /// <param name="isPersonalData">Whether an event property holds personal data (e.g. carries a <c>[PersonalData]</c> attribute).</param>
    /// <param name="subjectOf">The subject an event names (e.g. its case id), or null when it names none.</param>
    public PersonalDataProtection(
        ReadOnlySpan<byte> masterKey, IReadOnlyList<byte[]> previousMasterKeys, Func<PropertyInfo, bool> isPersonalData, Func<object, Guid?> subjectOf)
    {
        ArgumentNullException.ThrowIfNull(previousMasterKeys);
        if (masterKey.Length != 32 || previousMasterKeys.Any(k => k is not { Length: 32 }))
        {
            throw new ArgumentException("A master key must be 32 bytes (AES-256).", nameof(masterKey));
        }
        _masterKey = masterKey.ToArray();
        _previousMasterKeys = [.. previousMasterKeys.Select(k => k.ToArray())];
        _isPersonalData = isPersonalData ?? throw new ArgumentNullException(nameof(isPersonalData));
        _subjectOf = subjectOf ?? throw new ArgumentNullException(nameof(subjectOf));
    }

    /// <summary>
    /// True when <paramref name="property"/> or, for a positional record, the constructor parameter it comes from
    /// carries <typeparamref name="TAttribute"/>.
    /// </summary>
    public static bool IsMarked<TAttribute>(PropertyInfo property) where TAttribute : Attribute
    {
        ArgumentNullException.ThrowIfNull(property);
        if (property.IsDefined(typeof(TAttribute), inherit: false))
        {
            return true;
        }
        return property.DeclaringType?.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Any(p => p.Name == property.Name && p.ParameterType == property.PropertyType && p.IsDefined(typeof(TAttribute), inherit: false)) == true;
    }

    /// <summary>A subject resolver reading a <see cref="Guid"/> property of that name from any event that has one.</summary>
    public static Func<object, Guid?> SubjectFromProperty(string propertyName)
    {
        var getters = new ConcurrentDictionary<Type, PropertyInfo?>();
        return e =>
        {
            var property = getters.GetOrAdd(e.GetType(), t => t.GetProperty(propertyName) is { } p && p.PropertyType == typeof(Guid) ? p : null);
            return property?.GetValue(e) is Guid id && id != Guid.Empty ? id : null;
        };
    }

    /// <summary>Creates a random 32-byte master key, base64 encoded, for configuration.</summary>
    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Destroys a subject's key (or records that it may never get one): every event encrypted with it becomes
    /// unreadable for good, in every process, because readers always take the wrapped key from the database.
    /// </summary>
    public async Task DestroyKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, Guid subjectId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {schema}.encryption_keys (subject_id, key, created_at, destroyed_at) VALUES (@s, NULL, @now, @now)
            ON CONFLICT (subject_id) DO UPDATE SET key = NULL, destroyed_at = coalesce({schema}.encryption_keys.destroyed_at, @now)
            """, connection, transaction);
        command.Parameters.AddWithValue("s", subjectId);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _writeKeys[subjectId] = new WriteKey(null);
        _readKeys.TryRemove(subjectId, out _);
    }

    /// <summary>
    /// Seals bytes kept beside the events (a file a victim uploaded, say) with the subject's key, so destroying that key
    /// erases them too, even while their row still exists (in a backup, for instance). <paramref name="context"/> (e.g.
    /// the row's id and the column) is bound in as associated data together with the subject: sealed bytes moved to
    /// another row or another subject do not open. The subject's key is created on first use, as for events.
    /// </summary>
    /// <returns>nonce|ciphertext|tag, or null when the subject's key was destroyed: the bytes must then not be stored.</returns>
    public async Task<byte[]?> SealAsync(
        NpgsqlDataSource dataSource, string schema, TimeProvider time, Guid subjectId, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(time);
        var key = await KeyForWritingAsync(dataSource, schema, time, subjectId, cancellationToken);
        return key.Key is { } k ? Seal(k, AssociatedData(subjectId, context.Span), plaintext.Span) : null;
    }

    /// <summary>
    /// Opens bytes sealed by <see cref="SealAsync"/>. <paramref name="wrappedKey"/> is the subject's
    /// <c>encryption_keys.key</c>, read in the same query as the sealed bytes (never from a cache), so a key destroyed
    /// by another process is honoured at once.
    /// </summary>
    /// <returns>The plaintext, or null when the key was destroyed or the bytes do not open under this subject and context.</returns>
    public byte[]? Open(Guid subjectId, byte[]? wrappedKey, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> context)
    {
        if (wrappedKey is null)
        {
            return null;
        }
        try
        {
            return Unseal(Unwrap(subjectId, wrappedKey), AssociatedData(subjectId, context), sealedBytes);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The subject <paramref name="event"/> names (its case), or null when it names none.</summary>
    public Guid? SubjectOf(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return _subjectOf(@event);
    }

    /// <summary>Whether <paramref name="eventType"/> has properties this protection encrypts.</summary>
    public bool HoldsPersonalData(Type eventType, JsonSerializerOptions json) => Properties(eventType, json).Length > 0;

    /// <summary>
    /// Makes sure this process holds the subject's key for writing, creating the key on first use in
    /// <c>{schema}.encryption_keys</c> on a connection of its own (never in the caller's transaction), so that
    /// <see cref="Seal(object, JsonSerializerOptions, Guid)"/> can then run without I/O.
    /// </summary>
    public async Task PrepareToSealAsync(
        NpgsqlDataSource dataSource, string schema, TimeProvider time, Guid subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(time);
        await KeyForWritingAsync(dataSource, schema, time, subjectId, cancellationToken);
    }

    /// <summary>
    /// The event as JSON with its personal properties sealed for <paramref name="subjectId"/> (dropped when the
    /// subject's key was destroyed). The key must have been prepared with <see cref="PrepareToSealAsync"/>: a
    /// serializer cannot wait for the database, and personal data is never written in the clear instead.
    /// </summary>
    /// <exception cref="InvalidOperationException">The subject's key was not prepared in this process.</exception>
    public string Seal(object @event, JsonSerializerOptions json, Guid subjectId)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(json);
        if (!_writeKeys.TryGetValue(subjectId, out var key) && Properties(@event.GetType(), json).Length > 0)
        {
            throw new InvalidOperationException(
                $"The key of subject {subjectId} was not prepared before its {@event.GetType().Name} was serialized; personal data is never stored unsealed.");
        }
        return Protect(@event, json, subjectId, key);
    }

    /// <summary>
    /// Event JSON with its sealed properties opened with <paramref name="wrappedKey"/> (the subject's
    /// <c>encryption_keys.key</c>), or replaced by <see cref="Erased"/>, an empty list or null when the key is gone.
    /// </summary>
    public string Open(Type eventType, string data, JsonSerializerOptions json, byte[]? wrappedKey) => Unprotect(eventType, data, json, wrappedKey);

    /// <summary>Whether this process saw the subject's key destroyed (then nothing of it opens, whatever a cache holds).</summary>
    public bool IsKnownDestroyed(Guid subjectId) => _writeKeys.TryGetValue(subjectId, out var key) && key.Key is null;

    /// <summary>
    /// Seals a secret that belongs to no case (a webhook subscription's signing secret, say) directly under the master
    /// key, so a database dump alone does not reveal it. <paramref name="context"/> (e.g. a purpose and the row's id) is
    /// the associated data: sealed bytes moved to another row do not open. Longer than 16 bytes, so nothing sealed here
    /// can pass for a wrapped case key, whose associated data is the 16 bytes of its subject.
    /// </summary>
    public byte[] SealWithMasterKey(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> context)
    {
        if (context.Length <= 16)
        {
            throw new ArgumentException("The context must be longer than 16 bytes.", nameof(context));
        }
        return Seal(_masterKey, context, plaintext);
    }

    /// <summary>
    /// Opens bytes sealed by <see cref="SealWithMasterKey"/> with the current master key or, while a rotation is under
    /// way, a previous one (<paramref name="current"/> is false then: seal them again). Null when no configured key opens them.
    /// </summary>
    public byte[]? OpenWithMasterKey(ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> context, out bool current)
    {
        current = true;
        foreach (var key in (byte[][])[_masterKey, .. _previousMasterKeys])
        {
            try
            {
                return Unseal(key, context, sealedBytes);
            }
            catch (CryptographicException)
            {
                current = false;
            }
        }
        return null;
    }

    /// <summary>The properties of <paramref name="eventType"/> this protection encrypts, by their JSON names.</summary>
    public IReadOnlyList<string> PersonalPropertiesOf(Type eventType, JsonSerializerOptions json) =>
        [.. Properties(eventType, json).Select(p => p.JsonName)];

    internal string Unprotect(Type type, string data, JsonSerializerOptions json, byte[]? wrappedKey)
    {
        if (!data.Contains("\"$enc\"", StringComparison.Ordinal))
        {
            return data;
        }
        var properties = Properties(type, json);
        if (properties.Length == 0 || JsonNode.Parse(data) is not JsonObject node)
        {
            return data;
        }
        foreach (var property in properties)
        {
            if (node[property.JsonName] is JsonObject envelope && envelope.ContainsKey("$enc"))
            {
                node[property.JsonName] = Open(envelope, wrappedKey) ?? property.Placeholder();
            }
        }
        return node.ToJsonString();
    }

    private string Protect(object @event, JsonSerializerOptions json, Guid? subject, WriteKey? key)
    {
        var properties = Properties(@event.GetType(), json);
        if (properties.Length == 0)
        {
            return JsonSerializer.Serialize(@event, @event.GetType(), json);
        }
        var node = JsonSerializer.SerializeToNode(@event, @event.GetType(), json)!.AsObject();
        foreach (var property in properties)
        {
            if (node[property.JsonName] is not { } value)
            {
                continue;
            }
            var plaintext = Encoding.UTF8.GetBytes(value.ToJsonString());
            node[property.JsonName] = new JsonObject
            {
                // A destroyed key (the case was deleted meanwhile): the value is dropped, not stored in the clear.
                ["$enc"] = key?.Key is { } k ? Convert.ToBase64String(Seal(k, subject!.Value.ToByteArray(), plaintext)) : null,
                ["k"] = subject!.Value.ToString(),
            };
        }
        return node.ToJsonString();
    }

    private JsonNode? Open(JsonObject envelope, byte[]? wrappedKey)
    {
        if (wrappedKey is null
            || envelope["$enc"]?.GetValue<string>() is not { } sealedText
            || !Guid.TryParse(envelope["k"]?.GetValue<string>(), out var subject))
        {
            return null;
        }
        try
        {
            var key = Unwrap(subject, wrappedKey);
            return JsonNode.Parse(Unseal(key, subject.ToByteArray(), Convert.FromBase64String(sealedText)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            // The key belongs to another subject or the value was tampered with: it reads as erased, never as a crash.
            return null;
        }
    }

    private async Task<WriteKey> KeyForWritingAsync(
        NpgsqlDataSource dataSource, string schema, TimeProvider time, Guid subject, CancellationToken cancellationToken)
    {
        if (_writeKeys.TryGetValue(subject, out var cached))
        {
            return cached;
        }
        var fresh = RandomNumberGenerator.GetBytes(32);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            // Whoever inserts first wins; a loser whose statement snapshot predates the winner's commit sees no row
            // and simply asks again.
            await using var command = new NpgsqlCommand($"""
                WITH ins AS (
                    INSERT INTO {schema}.encryption_keys (subject_id, key, created_at) VALUES (@s, @key, @now)
                    ON CONFLICT (subject_id) DO NOTHING
                    RETURNING key)
                SELECT key FROM ins
                UNION ALL
                SELECT key FROM {schema}.encryption_keys WHERE subject_id = @s AND NOT EXISTS (SELECT 1 FROM ins)
                """, connection);
            command.Parameters.AddWithValue("s", subject);
            command.Parameters.AddWithValue("key", Wrap(subject, fresh));
            command.Parameters.AddWithValue("now", time.GetUtcNow());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var key = new WriteKey(reader.IsDBNull(0) ? null : Unwrap(subject, reader.GetFieldValue<byte[]>(0)));
                Remember(_writeKeys, subject, key);
                return key;
            }
            if (attempt == 3)
            {
                throw new InvalidOperationException($"The key of subject {subject} could not be created or read.");
            }
        }
    }

    private byte[] Unwrap(Guid subject, byte[] wrapped)
    {
        if (_readKeys.TryGetValue(subject, out var cached) && cached.Wrapped.AsSpan().SequenceEqual(wrapped))
        {
            return cached.Key;
        }
        var key = UnwrapWithAnyMasterKey(subject, wrapped, out _);
        Remember(_readKeys, subject, (wrapped, key));
        return key;
    }

    /// <summary>
    /// Opens a wrapped subject key with the current master key or, while a rotation is under way, a previous one;
    /// <paramref name="current"/> tells which. Throws <see cref="CryptographicException"/> when none opens it.
    /// </summary>
    private byte[] UnwrapWithAnyMasterKey(Guid subject, byte[] wrapped, out bool current)
    {
        var associatedData = subject.ToByteArray();
        try
        {
            current = true;
            return Unseal(_masterKey, associatedData, wrapped);
        }
        catch (CryptographicException) when (_previousMasterKeys.Length > 0)
        {
            current = false;
            foreach (var previous in _previousMasterKeys)
            {
                try
                {
                    return Unseal(previous, associatedData, wrapped);
                }
                catch (CryptographicException)
                {
                    // The next previous key, then give up.
                }
            }
            throw;
        }
    }

    /// <summary>Whether previous master keys are configured, so a rotation may have keys left to rewrap.</summary>
    public bool IsRotating => _previousMasterKeys.Length > 0;

    /// <summary>
    /// Wraps again, with the current master key, every subject key still wrapped with a previous one, in batches of
    /// <paramref name="batchSize"/>. Each row is replaced only if it still holds the bytes that were read (a key
    /// destroyed meanwhile stays destroyed). Safe to run in several processes at once and to run again; once it
    /// reports nothing left, the previous master keys can be removed from configuration.
    /// </summary>
    /// <returns>How many keys were wrapped again, and how many open with no configured master key (left as they are).</returns>
    public async Task<(int Rewrapped, int Unreadable)> RewrapAsync(
        NpgsqlDataSource dataSource, string schema, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var (rewrapped, unreadable) = (0, 0);
        if (_previousMasterKeys.Length == 0)
        {
            return (0, 0);
        }
        var after = Guid.Empty;
        while (true)
        {
            var rows = new List<(Guid Subject, byte[] Wrapped)>();
            await using (var select = dataSource.CreateCommand(
                $"SELECT subject_id, key FROM {schema}.encryption_keys WHERE key IS NOT NULL AND subject_id > $1 ORDER BY subject_id LIMIT $2"))
            {
                select.Parameters.Add(new NpgsqlParameter { Value = after });
                select.Parameters.Add(new NpgsqlParameter { Value = batchSize });
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetFieldValue<byte[]>(1)));
                }
            }
            if (rows.Count == 0)
            {
                return (rewrapped, unreadable);
            }
            after = rows[^1].Subject;
            await using var batch = dataSource.CreateBatch();
            foreach (var (subject, wrapped) in rows)
            {
                byte[] key;
                bool current;
                try
                {
                    key = UnwrapWithAnyMasterKey(subject, wrapped, out current);
                }
                catch (CryptographicException)
                {
                    unreadable++;
                    continue;
                }
                if (current)
                {
                    continue;
                }
                var update = new NpgsqlBatchCommand($"UPDATE {schema}.encryption_keys SET key = $1 WHERE subject_id = $2 AND key = $3");
                update.Parameters.Add(new NpgsqlParameter { Value = Wrap(subject, key) });
                update.Parameters.Add(new NpgsqlParameter { Value = subject });
                update.Parameters.Add(new NpgsqlParameter { Value = wrapped });
                batch.BatchCommands.Add(update);
            }
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
                foreach (var command in batch.BatchCommands)
                {
                    rewrapped += command.RecordsAffected;
                }
            }
        }
    }

    private byte[] Wrap(Guid subject, byte[] key) => Seal(_masterKey, subject.ToByteArray(), key);

    private static byte[] AssociatedData(Guid subject, ReadOnlySpan<byte> context) => [.. subject.ToByteArray(), .. context];

    private static byte[] Seal(byte[] key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associatedData);
        return output;
    }

    private static byte[] Unseal(byte[] key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBytes)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Too short to be sealed.");
        }
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes.Slice(NonceSize, length), sealedBytes[(NonceSize + length)..], plaintext, associatedData);
        return plaintext;
    }

    private PersonalProperty[] Properties(Type type, JsonSerializerOptions json) => _properties.GetOrAdd(type, t =>
    {
        // The serializer freezes the options on first use anyway; freezing them here lets us ask for type metadata.
        if (!json.IsReadOnly)
        {
            json.MakeReadOnly(populateMissingResolver: true);
        }
        return [.. json.GetTypeInfo(t).Properties
            .Where(p => p.AttributeProvider is PropertyInfo info && _isPersonalData(info))
            .Select(p => new PersonalProperty(p.Name, p.PropertyType))];
    });

    private static void Remember<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value) where TKey : notnull
    {
        if (cache.Count > CacheLimit)
        {
            cache.Clear();
        }
        cache[key] = value;
    }

    private sealed record WriteKey(byte[]? Key);

    private sealed record PersonalProperty(string JsonName, Type Type)
    {
        public JsonNode? Placeholder() =>
            Type == typeof(string) ? JsonValue.Create(Erased)
            : typeof(IEnumerable).IsAssignableFrom(Type) ? new JsonArray()
            : null;
    }
}
