using System.Security.Cryptography;
using System.Text;

namespace Takedown.Api.Operator;

/// <summary>Where an operator's audit events go when the action's subject has no stream of its own.</summary>
public static class OperatorAudit
{
    /// <summary>
    /// A stream per operator for actions on things outside the event store (a dead letter, a reply matched to no
    /// request): a name-based id (UUID version 8 from SHA-256, RFC 9562 B.2), the same for the same operator on every host.
    /// </summary>
    public static Guid StreamOf(string operatorId)
    {
        ArgumentNullException.ThrowIfNull(operatorId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("takedown:operator-audit:" + operatorId));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
