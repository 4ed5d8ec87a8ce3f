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

    /// <summary>
    /// Lodging a complaint with the AP and replaying a message that failed are acts with consequences outside
    /// Takedown (a regulator's file, a letter sent twice): only a supervisor does them.
    /// </summary>
    public static bool IsAllowed(OperatorRole role, string action) => action switch
    {
        LodgeApComplaint or ReplayDeadLetter or RetryStatusUpdate => role == OperatorRole.Supervisor,
        ReviewApComplaint or ConfirmReplyMeaning or RetryFailedLetter or MarkFailedLetterHandled => true,
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
