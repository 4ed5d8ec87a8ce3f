using System.Security.Cryptography;

namespace Takedown.Platforms.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of the HMAC key
/// (https://www.standardwebhooks.com). The key itself never appears in <see cref="ToString"/> logs by accident:
/// only <see cref="Export"/> gives the full value back.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    /// <summary>The raw HMAC key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Parses <c>whsec_&lt;base64&gt;</c>; the bare base64 form is accepted as the reference libraries do.</summary>
    /// <exception cref="FormatException">The value is not base64 or the key is shorter than 24 bytes.</exception>
    public static WebhookSecret Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var encoded = value.StartsWith(Prefix, StringComparison.Ordinal) ? value[Prefix.Length..] : value;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new FormatException("A webhook secret must be 'whsec_' followed by base64.");
        }
        // The specification asks for keys between 24 and 64 bytes; shorter keys are too weak to accept.
        if (key.Length < 24 || key.Length > 64)
        {
            throw new FormatException("A webhook secret key must be between 24 and 64 bytes.");
        }
        return new WebhookSecret(key);
    }

    /// <summary>A fresh random 32-byte secret.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret in its <c>whsec_</c> form, to hand to the other side once.</summary>
    public string Export() => Prefix + Convert.ToBase64String(_key);

    public override string ToString() => Prefix + "***";
}
