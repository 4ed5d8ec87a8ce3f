using System.Security.Cryptography;
using System.Text;

namespace Takedown.Letters.Composing;

/// <summary>
/// A letter ready for review and sending. <see cref="ContentSha256"/> is the evidence hash of exactly this text:
/// see <see cref="ComputeSha256"/>. Line ends in <see cref="PlainText"/> and <see cref="Html"/> are "\n".
/// </summary>
public sealed record ComposedLetter(
    LetterKind Kind,
    string Language,
    string Subject,
    string PlainText,
    string Html,
    string ContentSha256)
{
    /// <summary>
    /// SHA-256 (lower-case hex) over kind, language, subject, plain text and HTML, each as UTF-8 preceded by its
    /// byte length, so no two different letters share an encoding. Recompute it to prove a stored text unchanged.
    /// </summary>
    public static string ComputeSha256(LetterKind kind, string language, string subject, string plainText, string html)
    {
        using var buffer = new MemoryStream();
        foreach (var part in new[] { kind.ToString(), language, subject, plainText, html })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            var prefix = Encoding.ASCII.GetBytes(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":");
            buffer.Write(prefix);
            buffer.Write(bytes);
            buffer.WriteByte((byte)'\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>True when <see cref="ContentSha256"/> matches the text this record holds.</summary>
    public bool HashMatches() => ComputeSha256(Kind, Language, Subject, PlainText, Html) == ContentSha256;
}
