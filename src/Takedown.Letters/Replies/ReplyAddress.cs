using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Takedown.Letters.Replies;

/// <summary>
/// One inbound address per request by plus-addressing: <c>replies+&lt;id&gt;.&lt;mac&gt;@domain</c>. The id is the
/// request id in base32; the mac is an HMAC-SHA256 of it under a server secret, so nobody can guess or forge the
/// address of another victim's request. Lower-case only, because mail servers may change the case of local parts.
/// </summary>
public static class ReplyAddress
{
    public const string DefaultMailbox = "replies";
    private const int MacBytes = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    // RFC 5322 strictly: an address needs a domain, and nothing may follow it.
    private static readonly ParserOptions StrictAddresses = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>The reply address for a request.</summary>
    /// <param name="requestId">The request the answers belong to.</param>
    /// <param name="secret">Server secret of at least 16 characters; changing it invalidates every address.</param>
    /// <param name="domain">The inbound mail domain.</param>
    /// <param name="mailbox">The mailbox before the plus sign.</param>
    public static string For(Guid requestId, string secret, string domain, string mailbox = DefaultMailbox)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        var id = Base32(requestId.ToByteArray());
        return $"{mailbox}+{id}.{Mac(id, secret)}@{domain.ToLowerInvariant()}";
    }

    /// <summary>
    /// Finds the request an inbound message was addressed to. Accepts a bare address or a "Name &lt;address&gt;"
    /// form; false when the address is not ours, malformed, or its mac does not match.
    /// </summary>
    public static bool TryParse(string? address, string secret, out Guid requestId, string mailbox = DefaultMailbox)
    {
        requestId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(address) || !MailboxAddress.TryParse(StrictAddresses, address.Trim(), out var parsed))
        {
            return false;
        }
        var local = parsed.LocalPart.ToLowerInvariant();
        var prefix = mailbox.ToLowerInvariant() + "+";
        if (!local.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var token = local[prefix.Length..].Split('.');
        if (token.Length != 2 || !TryFromBase32(token[0], out var bytes) || bytes.Length != 16)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Mac(token[0], secret));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[1])))
        {
            return false;
        }
        requestId = new Guid(bytes);
        return true;
    }

    private static string Mac(string id, string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 16)
        {
            throw new ArgumentException("The reply address secret must be at least 16 characters.", nameof(secret));
        }
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(id));
        return Base32(mac.AsSpan(0, MacBytes));
    }

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }
        return text.ToString();
    }

    private static bool TryFromBase32(string text, out byte[] bytes)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                bytes = [];
                return false;
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)((buffer >> (bits - 8)) & 0xFF));
                bits -= 8;
            }
        }
        bytes = [.. output];
        // Re-encoding must give the same text, so that exactly one spelling of each address is accepted.
        return Base32(bytes) == text;
    }
}
