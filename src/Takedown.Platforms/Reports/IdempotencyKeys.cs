using System.Security.Cryptography;
using System.Text;

namespace Takedown.Platforms.Reports;

/// <summary>Idempotency keys derived from what is being done, never random, so every retry sends the same key.</summary>
public static class IdempotencyKeys
{
    /// <summary>
    /// The same key for the same report and operation, in every process and after every restart:
    /// the first 128 bits of SHA-256 over <c>takedown:{reportId}:{operation}</c>, formatted as a GUID.
    /// </summary>
    public static string For(Guid reportId, string operation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"takedown:{reportId:N}:{operation}"), hash);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
