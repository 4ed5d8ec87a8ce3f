using System.Text;
using System.Text.RegularExpressions;

namespace Takedown.Letters.Tests;

/// <summary>
/// A small MIME parser for assertions (System.Net.Mail cannot read messages): headers with folding and
/// RFC 2047 encoded words, multipart bodies, quoted-printable and base64.
/// </summary>
public sealed partial class MimeEntity
{
    private MimeEntity(List<KeyValuePair<string, string>> headers, byte[] body, IReadOnlyList<MimeEntity> parts)
    {
        Headers = headers;
        Body = body;
        Parts = parts;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The decoded body (transfer encoding undone); empty for multiparts.</summary>
    public byte[] Body { get; }

    public IReadOnlyList<MimeEntity> Parts { get; }

    public string Text => Encoding.UTF8.GetString(Body);

    public string MediaType => (Header("Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();

    public string? Header(string name) => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public IEnumerable<string> AllHeaders(string name) => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public IEnumerable<MimeEntity> Descendants() => Parts.SelectMany(p => new[] { p }.Concat(p.Descendants()));

    public static MimeEntity Parse(byte[] raw) => Parse(Encoding.Latin1.GetString(raw));

    private static MimeEntity Parse(string raw)
    {
        raw = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? raw : raw[..split];
        var body = split < 0 ? "" : raw[(split + 2)..];

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in head.Split('\n'))
        {
            if ((line.StartsWith(' ') || line.StartsWith('\t')) && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
            }
            else if (line.Contains(':', StringComparison.Ordinal))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }
        headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Key, DecodeWords(h.Value)))];

        var contentType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "text/plain";
        if (contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = Boundary().Match(contentType).Groups[1].Value.Trim('"');
            var parts = new List<MimeEntity>();
            var sections = body.Split("--" + boundary);
            foreach (var section in sections.Skip(1))
            {
                if (section.StartsWith("--", StringComparison.Ordinal))
                {
                    break;
                }
                // The line break before a boundary belongs to the boundary, not to the part.
                var part = section.TrimStart('\n');
                parts.Add(Parse(part.EndsWith('\n') ? part[..^1] : part));
            }
            return new MimeEntity(headers, [], parts);
        }

        var encoding = headers.FirstOrDefault(h => h.Key.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Value?.ToLowerInvariant();
        var bytes = encoding switch
        {
            "base64" => Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c)))),
            "quoted-printable" => DecodeQuotedPrintable(body),
            _ => Encoding.Latin1.GetBytes(body),
        };
        return new MimeEntity(headers, bytes, []);
    }

    private static byte[] DecodeQuotedPrintable(string text)
    {
        var output = new List<byte>();
        var lines = text.Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            var line = lines[l].TrimEnd(' ', '\t');
            var soft = line.EndsWith('=');
            if (soft)
            {
                line = line[..^1];
            }
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == '=' && IsHex(line, i + 1))
                {
                    output.Add(Convert.ToByte(line.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    output.Add((byte)line[i]);
                }
            }
            if (!soft && l < lines.Length - 1)
            {
                output.Add((byte)'\n');
            }
        }
        return [.. output];
    }

    private static bool IsHex(string s, int at) => at + 1 < s.Length && Uri.IsHexDigit(s[at]) && Uri.IsHexDigit(s[at + 1]);

    private static string DecodeWords(string value)
    {
        var joined = BetweenWords().Replace(value, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var charset = Encoding.GetEncoding(m.Groups[1].Value);
            var data = m.Groups[3].Value;
            var bytes = m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(data)
                : DecodeQuotedPrintable(data.Replace('_', ' '));
            return charset.GetString(bytes);
        });
    }

    [GeneratedRegex(@"boundary=(""[^""]+""|[^;\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex BetweenWords();
}
