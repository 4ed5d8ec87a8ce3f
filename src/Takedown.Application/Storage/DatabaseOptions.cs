using System.Text.Json;
using System.Text.Json.Serialization;
using Takedown.Application.Sealing;

namespace Takedown.Application.Storage;

/// <summary>
/// Where the read models and the other tables of our own live (Marten keeps the events in a schema of its own), and
/// the protection that seals personal data in them and in the events.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>The schema of the read models, the key table and the other tables of our own.</summary>
    public string Schema { get; set; } = "takedown";

    /// <summary>The schema of Wolverine's messages (<c>Messaging:Schema</c>): its inbox, outbox, queues and dead letters.</summary>
    public string MessageSchema { get; set; } = "takedown_messages";

    /// <summary>Crypto-shredding of personal data; the hosts refuse to start without it.</summary>
    public PersonalDataProtection? Protection { get; set; }

    /// <summary>How our own tables store JSON (camelCase, enums by name).</summary>
    public JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>The JSON settings of our own tables, for code that writes them without a host.</summary>
    public static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        json.Converters.Add(new JsonStringEnumConverter());
        return json;
    }
}
