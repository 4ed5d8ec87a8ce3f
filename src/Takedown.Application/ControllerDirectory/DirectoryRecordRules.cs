using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Takedown.Application.ControllerDirectory;

/// <summary>
/// What an operator's own record must hold to stay in the upstream format (datenanfragen/data's <c>schema.json</c>):
/// its required properties and the closed sets of values. A newer upstream snapshot is then taken without code changes,
/// and an operator's record reads like any other.
/// </summary>
public static partial class DirectoryRecordRules
{
    private static readonly HashSet<string> Countries =
        ["all", "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl",
         "pt", "ro", "sk", "si", "es", "se", "gb", "no", "is", "li", "ch"];

    private static readonly HashSet<string> Categories =
        ["addresses", "ads", "church", "collection agency", "commerce", "credit agency", "entertainment", "finance", "health", "insurance",
         "nonprofit", "political party", "public body", "school", "social media", "telecommunication", "travel", "utility"];

    private static readonly HashSet<string> Media = ["fax", "letter", "email", "webform"];

    private static readonly HashSet<string> Qualities = ["tested", "verified", "imported", "scraped"];

    [GeneratedRegex("^[a-z0-9-]+$")]
    public static partial Regex SlugPattern();

    /// <summary>The problems with <paramref name="record"/>, by property; empty when it may be saved.</summary>
    public static IReadOnlyDictionary<string, string> Check(DirectoryKind kind, string slug, JsonObject? record)
    {
        var errors = new Dictionary<string, string>();
        if (!SlugPattern().IsMatch(slug ?? "") || slug!.Length > 100)
        {
            errors["slug"] = "A slug is lower-case letters, digits and dashes (at most 100).";
        }
        if (record is null)
        {
            errors["record"] = "The record is a JSON object in the directory's format.";
            return errors;
        }
        Require(DirectoryEntry.Text(record, "name") is { } name && name == name.Trim() && name.Length <= 200, "name", "The official name (at most 200 characters).");
        Require(DirectoryEntry.Text(record, "address") is { } address && address.Contains('\n', StringComparison.Ordinal), "address",
            "The postal address, one line each, with the country on the last line.");
        var countries = DirectoryEntry.Strings(record, "relevant-countries");
        Require(countries.Count > 0 && countries.All(Countries.Contains) && countries.Distinct().Count() == countries.Count, "relevant-countries",
            $"One or more of: {string.Join(", ", Countries)}.");
        var sources = DirectoryEntry.Strings(record, "sources");
        Require(sources.Count > 0 && sources.All(IsWebUrl), "sources", "Where the record's facts come from: one or more web addresses.");
        if (kind == DirectoryKind.Company)
        {
            Require(DirectoryEntry.Text(record, "quality") is { } quality && Qualities.Contains(quality), "quality", $"One of: {string.Join(", ", Qualities)}.");
        }
        Optional("categories", () => DirectoryEntry.Strings(record, "categories") is var c && c.All(Categories.Contains), $"Any of: {string.Join(", ", Categories)}.");
        Optional("email", () => DirectoryEntry.Text(record, "email") is { } e && e.IndexOf('@', StringComparison.Ordinal) > 0, "An e-mail address.");
        Optional("webform", () => IsWebUrl(DirectoryEntry.Text(record, "webform")), "A web address (https://…).");
        Optional("web", () => IsWebUrl(DirectoryEntry.Text(record, "web")), "A web address (https://…).");
        Optional("suggested-transport-medium", () => DirectoryEntry.Text(record, "suggested-transport-medium") is { } m && Media.Contains(m),
            $"One of: {string.Join(", ", Media)}.");
        Optional("request-language", () => DirectoryEntry.Text(record, "request-language") is { Length: 2 } l && l.All(char.IsAsciiLetterLower),
            "A two-letter language code (ISO 639-1), such as nl or en.");
        Optional("needs-id-document", () => record["needs-id-document"]?.GetValueKind() is JsonValueKind.True or JsonValueKind.False, "true or false.");
        Optional("runs", () => record["runs"] is JsonArray a && a.All(v => v?.GetValueKind() == JsonValueKind.String), "A list of names.");
        return errors;

        void Require(bool ok, string property, string message)
        {
            if (!ok)
            {
                errors[property] = message;
            }
        }

        void Optional(string property, Func<bool> ok, string message)
        {
            if (record.ContainsKey(property) && !ok())
            {
                errors[property] = message;
            }
        }
    }

    private static bool IsWebUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
}
