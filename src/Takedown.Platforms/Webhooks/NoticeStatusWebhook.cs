using System.Text.Json;
using Takedown.Platforms.Notices;

namespace Takedown.Platforms.Webhooks;

/// <summary>
/// A platform's status update for a notice, as posted to <c>/webhooks/{integration}</c> in the Standard Webhooks
/// payload shape: <c>{"type":"notice.status_changed","timestamp":…,"data":{"ticketId","reference","status","statementOfReasons","updatedAt"}}</c>.
/// </summary>
public sealed record NoticeStatusWebhook(string Type, string TicketId, string? Reference, NoticeState State, string? StatementOfReasons, DateTimeOffset UpdatedAt)
{
    public const string StatusChangedType = "notice.status_changed";

    /// <summary>Reads a verified body; false (nothing thrown) for bad JSON, unreadable strings or a body without ticket and status.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out NoticeStatusWebhook? update)
    {
        update = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("ticketId", out var ticket) || ticket.ValueKind != JsonValueKind.String
                || !data.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            update = new NoticeStatusWebhook(
                type.GetString()!,
                ticket.GetString()!,
                OptionalString(data, "reference"),
                ParseState(status.GetString()),
                OptionalString(data, "statementOfReasons"),
                data.TryGetProperty("updatedAt", out var at) && at.TryGetDateTimeOffset(out var updatedAt) ? updatedAt : default);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an unpaired surrogate escape ("\ud800") cannot be read as text.
            return false;
        }
    }

    /// <summary>The wire names platforms use for a notice's state.</summary>
    public static NoticeState ParseState(string? status) => status?.ToUpperInvariant() switch
    {
        "RECEIVED" => NoticeState.Received,
        "UNDER_REVIEW" => NoticeState.UnderReview,
        "CONTENT_REMOVED" => NoticeState.ContentRemoved,
        "REFUSED" => NoticeState.Refused,
        _ => NoticeState.Unknown,
    };

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
