namespace Takedown.Application.Portal;

/// <summary>
/// Mail a one-time sign-in link to a victim. The address is in the message only for as long as it waits to be sent;
/// the portal's tables keep only its HMAC.
/// </summary>
public sealed record SendSignInLink(string Email, Uri Link, string Language, DateTimeOffset ExpiresAt);
