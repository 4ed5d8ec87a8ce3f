using Takedown.Messaging;

namespace Takedown.Application.Portal;

/// <summary>
/// Mail a one-time sign-in link to a victim. The address is in the message only until it is handled (the outbox row
/// is deleted then); the portal's tables keep only its HMAC.
/// </summary>
[MessageType("send-sign-in-link")]
public sealed record SendSignInLink(string Email, string Link, string Language, DateTimeOffset ExpiresAt);
