namespace Takedown.Platforms.Notices;

/// <summary>Where a platform stands with a notice.</summary>
public enum NoticeState
{
    /// <summary>The platform's answer held a state this client does not know.</summary>
    Unknown,
    Received,
    UnderReview,
    ContentRemoved,
    Refused,
}

/// <summary>The platform's receipt for a filed notice.</summary>
/// <param name="TicketId">The platform's id for the notice, used to read its status later.</param>
/// <param name="State">Received, or a decision the platform took at once.</param>
/// <param name="StatementOfReasons">The platform's reasons when it refused (DSA Art. 17).</param>
/// <param name="ReceivedAt">When the platform received the notice, by its clock.</param>
public sealed record FiledNotice(string TicketId, NoticeState State, string? StatementOfReasons, DateTimeOffset ReceivedAt);

/// <summary>The platform's current decision on a notice.</summary>
public sealed record NoticeStatus(string TicketId, NoticeState State, string? StatementOfReasons, DateTimeOffset UpdatedAt);
