namespace Takedown.Domain.Letters;

public enum LetterStatus
{
    None,
    Prepared,
    Approved,
    Sent,
    Failed,
}

// Events

/// <summary>
/// The exact text of a letter, kept as evidence: what was approved is what is sent, and its SHA-256 proves it later.
/// <see cref="RequestId"/> is the request the letter belongs to (empty for a letter on the case itself).
/// </summary>
public sealed record LetterPrepared(
    Guid LetterId,
    Guid CaseId,
    Guid RequestId,
    string Kind,
    string Language,
    [PersonalData] string RecipientName,
    [PersonalData] string RecipientEmail,
    [PersonalData] string Subject,
    [PersonalData] string PlainText,
    [PersonalData] string Html,
    string ContentSha256,
    bool NeedsApproval,
    DateTimeOffset PreparedAt);
public sealed record LetterApproved(Guid LetterId, string ApprovedBy, DateTimeOffset ApprovedAt);
/// <summary>Accepted by the SMTP server: the Message-ID and the server's reply are the proof of sending.</summary>
public sealed record LetterSent(Guid LetterId, string MessageId, string ContentSha256, [PersonalData] string ServerReply, DateTimeOffset SentAt);
/// <summary>The server refused the letter for good (5xx); an operator must act (e.g. a wrong address).</summary>
public sealed record LetterSendFailed(Guid LetterId, string StatusCode, [PersonalData] string Reason, DateTimeOffset FailedAt);

// Commands
public sealed record PrepareLetter(
    Guid LetterId, Guid CaseId, Guid RequestId, string Kind, string Language, string RecipientName, string RecipientEmail,
    string Subject, string PlainText, string Html, string ContentSha256, bool NeedsApproval, DateTimeOffset Now);
public sealed record ApproveLetter(Guid LetterId, string ApprovedBy, string ContentSha256, DateTimeOffset Now);
public sealed record RecordLetterSent(Guid LetterId, string MessageId, string ServerReply, DateTimeOffset Now);
public sealed record RecordLetterFailure(Guid LetterId, string StatusCode, string Reason, DateTimeOffset Now);

/// <summary>A letter or e-mail we send on the victim's behalf (or to the victim), from preparation to proof of sending.</summary>
public sealed record Letter(
    Guid Id, Guid CaseId, Guid RequestId, LetterStatus Status, string Kind, string ContentSha256, bool NeedsApproval, string? MessageId)
{
    public static readonly Letter Initial = new(Guid.Empty, Guid.Empty, Guid.Empty, LetterStatus.None, "", "", true, null);

    /// <summary>Whether the letter may go out: approved by the victim, or one that needs no approval (a notice to the victim).</summary>
    public bool MaySend => Status == LetterStatus.Approved || (Status == LetterStatus.Prepared && !NeedsApproval);

    public static Letter Evolve(Letter state, object @event) => @event switch
    {
        LetterPrepared e => state with
        {
            Id = e.LetterId, CaseId = e.CaseId, RequestId = e.RequestId, Status = LetterStatus.Prepared, Kind = e.Kind,
            ContentSha256 = e.ContentSha256, NeedsApproval = e.NeedsApproval,
        },
        LetterApproved => state with { Status = LetterStatus.Approved },
        LetterSent e => state with { Status = LetterStatus.Sent, MessageId = e.MessageId },
        LetterSendFailed => state with { Status = LetterStatus.Failed },
        _ => state,
    };

    public static object[] Decide(object command, Letter state) => command switch
    {
        PrepareLetter c when state.Status == LetterStatus.None => string.IsNullOrWhiteSpace(c.PlainText) || string.IsNullOrWhiteSpace(c.RecipientEmail)
            ? throw new DomainRuleViolated("A letter needs a recipient and a text.")
            : [new LetterPrepared(c.LetterId, c.CaseId, c.RequestId, c.Kind, c.Language, c.RecipientName, c.RecipientEmail, c.Subject,
                c.PlainText, c.Html, c.ContentSha256, c.NeedsApproval, c.Now)],
        PrepareLetter => state.ContentSha256 == ((PrepareLetter)command).ContentSha256
            ? []
            : throw new DomainRuleViolated("This letter was already prepared with another text; prepare a new letter instead."),
        ApproveLetter c => Approve(c, state),
        RecordLetterSent c => state.Status switch
        {
            LetterStatus.Sent => [],
            _ when state.MaySend => [new LetterSent(state.Id, c.MessageId, state.ContentSha256, c.ServerReply, c.Now)],
            _ => throw new DomainRuleViolated("A letter is sent only after the victim approved it."),
        },
        RecordLetterFailure c => state.Status switch
        {
            LetterStatus.Failed => [],
            LetterStatus.Sent => throw new DomainRuleViolated("The letter was already sent."),
            _ => [new LetterSendFailed(state.Id, c.StatusCode, c.Reason, c.Now)],
        },
        _ => throw new DomainRuleViolated($"A letter does not handle {command.GetType().Name}."),
    };

    private static object[] Approve(ApproveLetter c, Letter state)
    {
        switch (state.Status)
        {
            case LetterStatus.None:
                throw new DomainRuleViolated("There is no letter to approve.");
            case LetterStatus.Approved or LetterStatus.Sent:
                return [];
            case LetterStatus.Failed:
                throw new DomainRuleViolated("Sending this letter failed; it cannot be approved again.");
        }
        // The victim approves the text they saw: a hash mismatch means the text changed under them.
        return c.ContentSha256 != state.ContentSha256
            ? throw new DomainRuleViolated("The letter's text is not the one shown for approval; reload it and approve again.")
            : [new LetterApproved(state.Id, c.ApprovedBy, c.Now)];
    }
}
