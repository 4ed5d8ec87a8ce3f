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

/// <summary>
/// An internal complaint (DSA Art. 20) against a platform's decision on a notice, as it goes to the platform.
/// </summary>
/// <param name="Reference">Our reference for the report, as on the notice; not personal data.</param>
/// <param name="Grounds">Why the decision is contested.</param>
public sealed record InternalComplaint(string Reference, string Grounds);

/// <summary>The platform's receipt for an internal complaint.</summary>
/// <param name="ComplaintId">The platform's id for the complaint.</param>
/// <param name="TicketId">The notice the complaint is about.</param>
/// <param name="ReceivedAt">When the platform received it, by its clock.</param>
public sealed record FiledComplaint(string ComplaintId, string TicketId, DateTimeOffset ReceivedAt);
