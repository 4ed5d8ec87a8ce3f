using System.Text;
using System.Text.RegularExpressions;

namespace Takedown.Application.Replies;

/// <summary>What the reply classifier and the matcher need from a raw message.</summary>
public sealed record InboundMail(string? Subject, string? From, IReadOnlyList<string> Recipients, string? ContentType, string BodyText);

/// <summary>
/// A small reader for RFC 5322/MIME messages: unfolded headers, RFC 2047 encoded words in the subject, and the first
/// text/plain part (quoted-printable or base64). Enough to match and classify a reply; the raw bytes stay the evidence.
/// </summary>
public static partial class InboundMailReader
{
    private static readonly string[] RecipientHeaders = ["to", "cc", "delivered-to", "x-original-to", "envelope-to"];

    public static InboundMail Read(byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var text = Encoding.UTF8.GetString(raw).Replace("\r\n", "\n", StringComparison.Ordinal);
        var (headers, body) = Split(text);
        var recipients = RecipientHeaders
            .SelectMany(h => headers.GetValueOrDefault(h, []))
            .SelectMany(v => v.Split(','))
            .Select(Address)
            .Where(a => a.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var contentType = First(headers, "content-type");
        return new InboundMail(
            Decode(First(headers, "subject")), First(headers, "from") is { } from ? Address(from) : null, recipients, contentType,
            PlainText(contentType, First(headers, "content-transfer-encoding"), body, 0));
    }

    private static (Dictionary<string, List<string>> Headers, string Body) Split(string text)
    {
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var body = end < 0 ? "" : text[(end + 2)..];
        var headers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        foreach (var line in head.Split('\n'))
        {
            if ((line.StartsWith(' ') || line.StartsWith('\t')) && name is not null)
            {
                headers[name][^1] += " " + line.Trim();
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            name = line[..colon].Trim();
            if (!headers.TryGetValue(name, out var values))
            {
                headers[name] = values = [];
            }
            values.Add(line[(colon + 1)..].Trim());
        }
        return (headers, body);
    }

    /// <summary>Deeper than this, nested multipart parts are not looked into: real replies nest two or three levels.</summary>
    public const int MaxDepth = 8;

    private static string PlainText(string? contentType, string? encoding, string body, int depth)
    {
        // Anyone can mail the reply addresses and the gateway signs what it forwards: without a bound, parts nested in
        // each other tens of thousands deep would exhaust the stack (and copy the message once per level).
        if (depth > MaxDepth)
        {
            return "";
        }
        if (contentType is not null && contentType.Contains("multipart/", StringComparison.OrdinalIgnoreCase)
            && Boundary().Match(contentType) is { Success: true } boundary)
        {
            var parts = body.Split("--" + boundary.Groups[1].Value.Trim('"'));
            foreach (var part in parts)
            {
                var (headers, partBody) = Split(part.TrimStart('\n'));
                var type = First(headers, "content-type");
                if (type is null || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
                {
                    return PlainText(type, First(headers, "content-transfer-encoding"), partBody, depth + 1);
                }
                if (type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
                {
                    return PlainText(type, null, partBody, depth + 1);
                }
            }
            return "";
        }
        return encoding?.ToLowerInvariant() switch
        {
            "quoted-printable" => QuotedPrintable(body),
            "base64" => TryBase64(body),
            _ => body,
        };
    }

    private static string QuotedPrintable(string body)
    {
        var unwrapped = body.Replace("=\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>(unwrapped.Length);
        for (var i = 0; i < unwrapped.Length; i++)
        {
            if (unwrapped[i] == '=' && i + 2 < unwrapped.Length && IsHex(unwrapped[i + 1]) && IsHex(unwrapped[i + 2]))
            {
                bytes.Add(Convert.ToByte(unwrapped.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(unwrapped[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static string TryBase64(string body)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c)))));
        }
        catch (FormatException)
        {
            return body;
        }
    }

    private static string? Decode(string? header) => header is null ? null : EncodedWord().Replace(header, m =>
    {
        var charset = m.Groups[1].Value;
        byte[] bytes;
        try
        {
            bytes = m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(m.Groups[3].Value)
                : Encoding.Latin1.GetBytes(QuotedPrintable(m.Groups[3].Value.Replace('_', ' ')));
        }
        catch (FormatException)
        {
            // Not a valid encoded word: the subject keeps it as written.
            return m.Value;
        }
        try
        {
            return Encoding.GetEncoding(charset).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8.GetString(bytes);
        }
    });

    private static string Address(string value)
    {
        var match = AngleAddress().Match(value);
        return (match.Success ? match.Groups[1].Value : value).Trim().Trim('"');
    }

    private static string? First(Dictionary<string, List<string>> headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    [GeneratedRegex("boundary=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex("<([^>]+)>")]
    private static partial Regex AngleAddress();
}
