using System.Text.Json;
using System.Text.Json.Serialization;

namespace Takedown.Application.EventStorage;

/// <summary>
/// PostgreSQL's jsonb cannot hold a NUL character (U+0000): the server would refuse the whole batch while binding it.
/// Refusing it here, while Marten serializes and before anything is sent, gives a clear error, writes nothing and
/// leaves the connection as it was.
/// </summary>
public static class NulRefusingStrings
{
    /// <summary>A string converter that throws <see cref="ArgumentException"/> on a NUL character (the value is not echoed: it may be personal data).</summary>
    public static JsonConverter<string> Converter { get; } = new NulRefusingConverter();

    private sealed class NulRefusingConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("Event data may not contain a NUL character (U+0000): PostgreSQL's jsonb cannot store it.", nameof(value));
            }
            writer.WriteStringValue(value);
        }
    }
}
