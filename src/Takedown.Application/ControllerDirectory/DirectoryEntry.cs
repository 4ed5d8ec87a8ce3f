using System.Text.Json.Nodes;
using Takedown.Domain.Deadlines;

namespace Takedown.Application.ControllerDirectory;

/// <summary>A company (a data controller) or a data protection authority.</summary>
public enum DirectoryKind
{
    Company,
    Authority,
}

/// <summary>
/// How a request reaches the controller, decided from the record's <c>suggested-transport-medium</c>: by e-mail (sent by
/// the service), as a letter the victim prints and sends by registered post, or on the controller's web form, where the
/// victim pastes the text.
/// </summary>
public enum ControllerChannel
{
    Email,
    Letter,
    WebForm,
}

/// <summary>The directory's own mark on a record, in order of descending quality (upstream <c>quality</c>).</summary>
public enum DirectoryQuality
{
    Tested,
    Verified,
    Imported,
    Scraped,
}

/// <summary>An identification element the controller asks for (upstream <c>required-elements</c>).</summary>
/// <param name="Description">What the controller asks for, in the directory's words.</param>
/// <param name="Type">The upstream type: input, textarea, email, address, name or birthdate.</param>
/// <param name="Optional">Whether the controller marks it optional.</param>
public sealed record RequiredElement(string Description, string Type, bool Optional);

/// <summary>
/// A directory record as Takedown reads it. The record itself stays in the upstream format (datenanfragen/data's
/// schema); this is the view the pages and the API use.
/// </summary>
/// <param name="Id">The record's slug, stable across snapshots.</param>
/// <param name="Version">Goes up each time the record that counts changes (a newer snapshot, an operator's correction).</param>
/// <param name="Kind">Company or Authority.</param>
/// <param name="Name">The official name.</param>
/// <param name="Runs">Brands and services the company is responsible for (GDPR Art. 4(7)).</param>
/// <param name="Address">The postal address for privacy requests, one line each; the last line is the country.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code read from the address's last line, or null when it is not recognised.</param>
/// <param name="Email">The privacy e-mail address, when there is one.</param>
/// <param name="WebForm">The privacy web form, when there is one.</param>
/// <param name="Web">The main website.</param>
/// <param name="RelevantCountries">Upstream <c>relevant-countries</c>: lower-case country codes or "all".</param>
/// <param name="Categories">Upstream <c>categories</c> (e.g. "addresses", "social media").</param>
/// <param name="Channel">How a request is sent, from <c>suggested-transport-medium</c>.</param>
/// <param name="Usable">Whether the record has what its channel needs (an e-mail address for Email, a web form for WebForm); a record that is not usable can be picked only with an address typed in.</param>
/// <param name="RequestLanguage">"nl" or "en": the language of the letter (upstream <c>request-language</c>; another language falls back to English), or null when the record names none.</param>
/// <param name="RequiredElements">Identification the controller asks for.</param>
/// <param name="NeedsIdDocument">Whether the controller is known to ask for an identity document in every case.</param>
/// <param name="Quality">The directory's mark (companies only).</param>
/// <param name="OwnRecord">Whether this is the operators' own record (added or corrected), which wins over the imported one.</param>
/// <param name="ComplaintLanguage">For an authority: the language it takes complaints in.</param>
public sealed record DirectoryEntry(
    string Id, int Version, DirectoryKind Kind, string Name, IReadOnlyList<string> Runs, IReadOnlyList<string> Address, string? Country,
    string? Email, string? WebForm, string? Web, IReadOnlyList<string> RelevantCountries, IReadOnlyList<string> Categories,
    ControllerChannel Channel, bool Usable, string? RequestLanguage, IReadOnlyList<RequiredElement> RequiredElements, bool NeedsIdDocument,
    DirectoryQuality? Quality, bool OwnRecord, string? ComplaintLanguage)
{
    /// <summary>
    /// The country whose calendar counts this controller's deadlines: the record's own country when the deadline engine
    /// knows its public holidays, otherwise the victim's (<see cref="DeadlineEngine.VictimCountry"/>, the Netherlands). The
    /// engine knows the Netherlands and Ireland; a record in another country (the United States, Switzerland, Germany) or
    /// with an address whose country is not recognised still gives a request, whose deadline is then counted in
    /// Amsterdam's time zone, with Dutch holidays and weekends moving the last day (Regulation 1182/71 Art. 3(4)). A
    /// holiday of the controller's own country is then not counted: the deadline may fall a working day earlier than that
    /// country's calendar would give, never later (docs/directory.md).
    /// </summary>
    public string DeadlineCountry(DeadlineEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Country is { } country && engine.Calendars.Supports(country) ? country : DeadlineEngine.VictimCountry;
    }

    /// <summary>Reads a record in the upstream format.</summary>
    public static DirectoryEntry From(DirectoryKind kind, string slug, int version, bool own, JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var address = Lines(Text(record, "address"));
        var email = Text(record, "email");
        var webForm = Text(record, "webform");
        var (channel, usable) = ChannelOf(Text(record, "suggested-transport-medium"), email, webForm, address);
        return new DirectoryEntry(
            slug, version, kind, Text(record, "name") ?? slug, Strings(record, "runs"), address, DirectoryCountries.FromAddress(address),
            email, webForm, Text(record, "web"), Strings(record, "relevant-countries"), Strings(record, "categories"), channel, usable,
            Text(record, "request-language") switch { null => null, "nl" => "nl", _ => "en" },
            [.. (record["required-elements"] as JsonArray ?? []).OfType<JsonObject>().Select(e => new RequiredElement(
                Text(e, "desc") ?? "", Text(e, "type") ?? "input", e["optional"]?.GetValueKind() == System.Text.Json.JsonValueKind.True))],
            record["needs-id-document"]?.GetValueKind() == System.Text.Json.JsonValueKind.True,
            Text(record, "quality") switch
            {
                "tested" => DirectoryQuality.Tested,
                "verified" => DirectoryQuality.Verified,
                "imported" => DirectoryQuality.Imported,
                "scraped" => DirectoryQuality.Scraped,
                _ => null,
            },
            own, Text(record, "complaint-language"));
    }

    /// <summary>
    /// Upstream's rule: the suggested medium, or else e-mail when there is an address and a letter otherwise. Takedown
    /// sends no fax: a fax record goes by e-mail when it has an address, else by letter.
    /// </summary>
    private static (ControllerChannel Channel, bool Usable) ChannelOf(string? medium, string? email, string? webForm, string[] address)
    {
        var hasEmail = email is not null && email.Contains('@', StringComparison.Ordinal);
        var hasWebForm = Uri.TryCreate(webForm, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
        var channel = medium switch
        {
            "email" => ControllerChannel.Email,
            "letter" => ControllerChannel.Letter,
            "webform" => ControllerChannel.WebForm,
            _ => hasEmail ? ControllerChannel.Email : ControllerChannel.Letter,
        };
        return (channel, channel switch
        {
            ControllerChannel.Email => hasEmail,
            ControllerChannel.WebForm => hasWebForm,
            _ => address.Length >= 2,
        });
    }

    /// <summary>The text the trigram index searches: name, brands, slug, and the web and e-mail domains, in lower case.</summary>
    public static string SearchText(string slug, JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var parts = new List<string> { Text(record, "name") ?? "", slug };
        parts.AddRange(Strings(record, "runs"));
        if (Uri.TryCreate(Text(record, "web"), UriKind.Absolute, out var web))
        {
            parts.Add(web.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? web.Host[4..] : web.Host);
        }
        if (Text(record, "email") is { } email && email.LastIndexOf('@') is var at and > 0)
        {
            parts.Add(email[(at + 1)..]);
        }
        return string.Join(' ', parts.Where(p => p.Length > 0)).ToLowerInvariant();
    }

    /// <summary>
    /// What ranks a record above an equally good match: relevant to the Netherlands (its victims are Takedown's), then
    /// relevant everywhere, and checked by a person (<c>tested</c>, <c>verified</c>).
    /// </summary>
    public static float Boost(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var countries = Strings(record, "relevant-countries");
        var boost = countries.Contains("nl") || DirectoryCountries.FromAddress(Lines(Text(record, "address"))) == "NL" ? 0.2f
            : countries.Contains("all") ? 0.05f : 0f;
        return boost + (Text(record, "quality") is "tested" or "verified" ? 0.1f : 0f);
    }

    internal static string? Text(JsonObject record, string property) =>
        record[property] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            && value.GetValue<string>() is { Length: > 0 } text ? text : null;

    internal static IReadOnlyList<string> Strings(JsonObject record, string property) =>
        record[property] is JsonArray array
            ? [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(v => v.GetValue<string>())]
            : [];

    private static string[] Lines(string? text) =>
        text is null ? [] : text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Countries as the directory's addresses name them on their last line, in English or the country's own language.</summary>
public static class DirectoryCountries
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Netherlands"] = "NL", ["The Netherlands"] = "NL", ["Nederland"] = "NL", ["Niederlande"] = "NL",
        ["Ireland"] = "IE", ["Éire"] = "IE", ["Irland"] = "IE",
        ["Germany"] = "DE", ["Deutschland"] = "DE", ["Austria"] = "AT", ["Österreich"] = "AT", ["Belgium"] = "BE", ["België"] = "BE",
        ["Belgique"] = "BE", ["Belgien"] = "BE", ["France"] = "FR", ["Frankreich"] = "FR", ["Luxembourg"] = "LU", ["Luxemburg"] = "LU",
        ["Switzerland"] = "CH", ["Schweiz"] = "CH", ["Suisse"] = "CH", ["United Kingdom"] = "GB", ["UK"] = "GB", ["Great Britain"] = "GB",
        ["England"] = "GB", ["Scotland"] = "GB", ["Wales"] = "GB", ["Northern Ireland"] = "GB", ["Vereinigtes Königreich"] = "GB",
        ["Italy"] = "IT", ["Italia"] = "IT", ["Spain"] = "ES", ["España"] = "ES", ["Portugal"] = "PT", ["Denmark"] = "DK", ["Danmark"] = "DK",
        ["Sweden"] = "SE", ["Sverige"] = "SE", ["Norway"] = "NO", ["Norge"] = "NO", ["Finland"] = "FI", ["Suomi"] = "FI", ["Poland"] = "PL",
        ["Polska"] = "PL", ["Czech Republic"] = "CZ", ["Czechia"] = "CZ", ["Česká republika"] = "CZ", ["Slovakia"] = "SK", ["Hungary"] = "HU",
        ["Magyarország"] = "HU", ["Greece"] = "GR", ["Cyprus"] = "CY", ["Malta"] = "MT", ["Estonia"] = "EE", ["Latvia"] = "LV",
        ["Lithuania"] = "LT", ["Slovenia"] = "SI", ["Croatia"] = "HR", ["Romania"] = "RO", ["România"] = "RO", ["Bulgaria"] = "BG",
        ["Iceland"] = "IS", ["Liechtenstein"] = "LI", ["United States"] = "US", ["USA"] = "US", ["United States of America"] = "US",
    };

    /// <summary>The country of an address by its last line, or null when the line names none we know.</summary>
    public static string? FromAddress(IReadOnlyList<string> address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Count > 1 && ByName.TryGetValue(address[^1].Trim().TrimEnd('.'), out var code) ? code : null;
    }
}
