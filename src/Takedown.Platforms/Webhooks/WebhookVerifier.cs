using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Takedown.Platforms.Webhooks;

/// <summary>The outcome of checking one incoming webhook.</summary>
public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    BadTimestamp,
    TooOld,
    TooNew,
    BadSignature,
}

/// <summary>
/// Verifies incoming webhooks signed as the Standard Webhooks specification has it. A delivery passes when any of
/// the space-separated <c>v1</c> signatures matches any of the integration's secrets (so both sides can rotate a
/// secret without a gap), and its timestamp lies within <see cref="Tolerance"/> of now.
/// </summary>
/// <remarks>
/// Replay inside the tolerance window is the caller's job: store the <c>webhook-id</c> of every applied delivery
/// and acknowledge a repeated id without applying it again. The verifier is stateless on purpose, so the id check
/// can share the transaction that applies the update.
/// </remarks>
public sealed class WebhookVerifier(TimeProvider time)
{
    /// <summary>How far a timestamp may lie in the past or the future (the specification's five minutes).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Verifies the three Standard Webhooks headers of a request against its raw body.</summary>
    public WebhookVerification Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify(
            headers[WebhookHeaders.Id].ToString(),
            headers[WebhookHeaders.Timestamp].ToString(),
            headers[WebhookHeaders.Signature].ToString(),
            body,
            secrets);
    }

    /// <summary>Verifies header values (any may be null or empty when absent) against the raw body.</summary>
    public WebhookVerification Verify(string? id, string? timestamp, string? signature, ReadOnlySpan<byte> body, IReadOnlyList<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerification.MissingHeaders;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.BadTimestamp;
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = (long)Tolerance.TotalSeconds;
        if (seconds < now - tolerance)
        {
            return WebhookVerification.TooOld;
        }
        if (seconds > now + tolerance)
        {
            return WebhookVerification.TooNew;
        }

        Span<byte> expected = stackalloc byte[32];
        Span<byte> given = stackalloc byte[32];
        foreach (var secret in secrets)
        {
            WebhookSigner.ComputeSignature(secret.Key, id, timestamp, body, expected);
            foreach (var part in signature.AsSpan().Split(' '))
            {
                var candidate = signature.AsSpan()[part];
                // Other schemes (v1a for asymmetric keys, future versions) may sit beside v1; they are skipped.
                if (!candidate.StartsWith("v1,", StringComparison.Ordinal))
                {
                    continue;
                }
                if (Convert.TryFromBase64Chars(candidate[3..], given, out var written)
                    && written == 32
                    && CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    return WebhookVerification.Valid;
                }
            }
        }
        return WebhookVerification.BadSignature;
    }
}
