using MimeKit;

namespace Takedown.Api.Infrastructure;

/// <summary>Collects validation errors per field; <see cref="ThrowIfAny"/> ends the request with a 400.</summary>
public sealed class Input
{
    public const int MaxShortText = 200;
    public const int MaxLongText = 5000;
    public const int MaxListItems = 50;

    private readonly Dictionary<string, List<string>> _errors = [];

    public Input Require(bool ok, string field, string message)
    {
        if (!ok)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }
            list.Add(message);
        }
        return this;
    }

    public Input Text(string? value, string field, int max = MaxShortText, bool required = true) =>
        Require(!required || !string.IsNullOrWhiteSpace(value), field, "Required.")
            .Require(value is null || value.Length <= max, field, $"At most {max} characters.")
            .Require(value is null || IsCleanText(value, multiline: max > MaxShortText), field, "Contains control or direction-override characters.");

    public Input Email(string? value, string field) =>
        Text(value, field, 254).Require(value is null || IsEmail(value), field, "Not an e-mail address.");

    /// <summary>Only http and https addresses can be reported: a takedown concerns content on the web.</summary>
    public Input WebUrls(IReadOnlyList<string>? urls, string field, bool required = true)
    {
        Require(!required || urls is { Count: > 0 }, field, "At least one address is required.");
        Require(urls is null || urls.Count <= MaxListItems, field, $"At most {MaxListItems} addresses.");
        foreach (var url in urls ?? [])
        {
            Require(IsWebUrl(url), field, "Each address must be a complete http:// or https:// URL of at most 2000 characters.");
        }
        return this;
    }

    public Input TextList(IReadOnlyList<string>? items, string field, bool required = true)
    {
        Require(!required || items is { Count: > 0 }, field, "At least one item is required.");
        Require(items is null || items.Count <= MaxListItems, field, $"At most {MaxListItems} items.");
        Require(items is null || items.All(i => !string.IsNullOrWhiteSpace(i) && i.Length <= MaxShortText), field,
            $"Each item must be non-empty and at most {MaxShortText} characters.");
        Require(items is null || items.All(i => i is null || IsCleanText(i, multiline: false)), field,
            "Items must not contain control or direction-override characters.");
        return this;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new InputRejectedException(_errors.ToDictionary(e => e.Key, e => e.Value.Distinct().ToArray()));
        }
    }

    public static bool IsWebUrl(string? value) =>
        value is { Length: <= 2000 }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && IsCleanText(value, multiline: false)
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>
    /// No control characters (NUL, escape; line breaks only in long text), no unpaired surrogates, no bidirectional
    /// overrides or isolates, and no invisible spaces or joiners between words (zero-width space, word joiner): a name
    /// that reads one way on screen and another in a letter, a log or a comparison could hide who or what a request is
    /// about. The zero-width (non-)joiners stay: Persian and Indic scripts and emoji need them.
    /// </summary>
    public static bool IsCleanText(string value, bool multiline)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)
                || (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
                || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C' or '\uFEFF'
                    or '\u200B' or >= '\u2060' and <= '\u2064' or '\u180E')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A bare address (no display name) with a dot in it, by RFC 5322's strict grammar.</summary>
    public static bool IsEmail(string value) =>
        MailboxAddress.TryParse(StrictAddresses, value, out var address) && address.Address == value.Trim() && value.Contains('.', StringComparison.Ordinal);

    // RFC 5322 strictly: an address needs a domain, and nothing may follow it.
    private static readonly ParserOptions StrictAddresses = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };
}
