using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Takedown.Platforms.Webhooks;

/// <summary>The header names of the Standard Webhooks specification.</summary>
public static class WebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";
}

/// <summary>
/// Signs webhook deliveries as the Standard Webhooks specification has it: HMAC-SHA256 over
/// <c>{id}.{timestamp}.{body}</c>, sent as <c>v1,&lt;base64&gt;</c> in <c>webhook-signature</c>.
/// </summary>
public static class WebhookSigner
{
    /// <summary>The <c>webhook-signature</c> value for one secret.</summary>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> mac = stackalloc byte[32];
        ComputeSignature(secret.Key, id, timestamp.ToString(CultureInfo.InvariantCulture), body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>
    /// The <c>webhook-signature</c> value signed with every given secret, space-separated, so a receiver that knows
    /// either the old or the new secret accepts the delivery while a secret rotates.
    /// </summary>
    public static string Sign(IReadOnlyList<WebhookSecret> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }
        var parts = new string[secrets.Count];
        for (var i = 0; i < secrets.Count; i++)
        {
            parts[i] = Sign(secrets[i], id, timestamp, body);
        }
        return string.Join(' ', parts);
    }

    /// <summary>The three headers of one delivery, ready to add to a request.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(
        IReadOnlyList<WebhookSecret> secrets, string id, DateTimeOffset sentAt, ReadOnlySpan<byte> body)
    {
        var timestamp = sentAt.ToUnixTimeSeconds();
        return
        [
            new(WebhookHeaders.Id, id),
            new(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture)),
            new(WebhookHeaders.Signature, Sign(secrets, id, timestamp, body)),
        ];
    }

    // The timestamp is signed exactly as it travels in the header, so a receiver never re-formats what it checks.
    internal static void ComputeSignature(ReadOnlySpan<byte> key, string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var stamp = Encoding.UTF8.GetBytes(timestamp);
        var stampLength = stamp.Length;
        var idLength = Encoding.UTF8.GetByteCount(id);
        var length = idLength + 1 + stampLength + 1 + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var content = rented.AsSpan(0, length);
            Encoding.UTF8.GetBytes(id, content);
            content[idLength] = (byte)'.';
            stamp.CopyTo(content[(idLength + 1)..]);
            content[idLength + 1 + stampLength] = (byte)'.';
            body.CopyTo(content[(idLength + 2 + stampLength)..]);
            HMACSHA256.HashData(key, content, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
