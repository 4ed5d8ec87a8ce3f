namespace Takedown.Domain.Operators;

/// <summary>What an operator account may do. A supervisor may do everything an operator may.</summary>
public enum OperatorRole
{
    Operator,
    Supervisor,
}

/// <summary>The actions operators take on the dashboard, as stored in <see cref="OperatorActionRecorded.Action"/>.</summary>
public static class OperatorActions
{
    public const string ReviewApComplaint = "review-ap-complaint";
    public const string LodgeApComplaint = "lodge-ap-complaint";
    public const string ReplayDeadLetter = "replay-dead-letter";
    public const string ConfirmReplyMeaning = "confirm-reply-meaning";
    public const string RetryFailedLetter = "retry-failed-letter";
    public const string MarkFailedLetterHandled = "mark-failed-letter-handled";
    public const string RetryStatusUpdate = "retry-status-update";

    /// <summary>A platform's decision on a report filed by e-mail, read from its reply to the notice's reply address.</summary>
    public const string RecordPlatformDecisionFromReply = "record-platform-decision-from-reply";

    /// <summary>A platform's decision on a report filed by e-mail, entered on the case page without a stored reply.</summary>
    public const string RecordPlatformDecision = "record-platform-decision";

    /// <summary>Adding or correcting a controller directory record (kept with its own audit trail, docs/directory.md).</summary>
    public const string CorrectDirectoryRecord = "correct-directory-record";

    /// <summary>
    /// Lodging a complaint with the AP and replaying a message that failed are acts with consequences outside
    /// Takedown (a regulator's file, a letter sent twice): only a supervisor does them. A platform's decision recorded
    /// from its reply is backed by that stored reply, like any reply's meaning, so every operator may record it; one
    /// entered without a reply rests on the operator's word alone (it closes the report or opens the victim's DSA
    /// Art. 20 window), so only a supervisor enters it.
    /// </summary>
    public static bool IsAllowed(OperatorRole role, string action) => action switch
    {
        LodgeApComplaint or ReplayDeadLetter or RetryStatusUpdate or RecordPlatformDecision => role == OperatorRole.Supervisor,
        ReviewApComplaint or ConfirmReplyMeaning or RetryFailedLetter or MarkFailedLetterHandled or RecordPlatformDecisionFromReply
            or CorrectDirectoryRecord => true,
        _ => false,
    };

    /// <summary>Throws the domain error when <paramref name="role"/> may not take <paramref name="action"/>.</summary>
    public static void EnsureAllowed(OperatorRole role, string action)
    {
        if (!IsAllowed(role, action))
        {
            throw new DomainRuleViolated($"The {role} role may not {action.Replace('-', ' ')}.");
        }
    }
}

// Events

/// <summary>
/// The audit trail of the dashboard: appended beside the domain event an operator's action caused (in the subject's
/// stream when it has one), so "who did what, when" never depends on logs.
/// </summary>
/// <see cref="SubjectId"/> is the stream (or, for a dead letter, the message) the action was about.
public sealed record OperatorActionRecorded(Guid SubjectId, string OperatorId, string Action, DateTimeOffset At);
