namespace Takedown.Application.Letters;

/// <summary>How letters are signed and where replies go (section <c>Letters</c>).</summary>
public sealed class LetterSettings
{
    /// <summary>The service that writes on the victim's behalf, as named in letters.</summary>
    public string SenderName { get; set; } = "Takedown";

    public string? Website { get; set; }

    /// <summary>The domain of the per-request reply addresses (replies+token@domain) and of Message-IDs.</summary>
    public string ReplyDomain { get; set; } = "takedown.invalid";

    /// <summary>Secret for the reply addresses' HMAC: from configuration or a secret store, never the repository.</summary>
    public string ReplySecret { get; set; } = "";

    /// <summary>Days before a deadline at which a warning is scheduled.</summary>
    public int[] WarningDaysBefore { get; set; } = [7, 1];
}
