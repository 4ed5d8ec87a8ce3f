namespace Takedown.Letters.Sending;

/// <summary>
/// SMTP settings per environment. With <see cref="PickupDirectory"/> set (the local default), letters are written
/// as .eml files to that folder instead of being sent. Otherwise they go to <see cref="Host"/>, by default with
/// STARTTLS and authentication (System.Net.Mail speaks STARTTLS, not implicit TLS: use port 587, not 465).
/// </summary>
public sealed record SmtpLetterOptions
{
    public string? Host { get; init; }

    public int Port { get; init; } = 587;

    public bool EnableStartTls { get; init; } = true;

    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The service's own address; letters never go out from the victim's mailbox.</summary>
    public required string FromAddress { get; init; }

    public string FromDisplayName { get; init; } = "Takedown";

    /// <summary>The domain in Message-IDs; defaults to the domain of <see cref="FromAddress"/>.</summary>
    public string? MessageIdDomain { get; init; }

    public string? PickupDirectory { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
