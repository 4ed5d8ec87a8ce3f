namespace Takedown.Domain.Deadlines;

/// <summary>
/// A computed due date. <see cref="DueAt"/> is the instant the period expires: the end of
/// <see cref="DueDate"/> (24:00) in the time zone of the party that must act, so a deadline is
/// missed when <c>now &gt;= DueAt</c>.
/// </summary>
public sealed record Deadline(string Kind, DateOnly DueDate, DateTimeOffset DueAt, LocalizedText Explanation)
{
    public bool IsExpiredAt(DateTimeOffset now) => now >= DueAt;
}

/// <summary>
/// A stretch during which a GDPR clock stands still (a justified identity check, GDPR Art. 12(6)):
/// from the day the controller asked until the day the victim answered; <see cref="Until"/> is null while
/// the answer is outstanding.
/// </summary>
public sealed record ClockPause(DateOnly From, DateOnly? Until);

/// <summary>A moment to remind the victim or the operator before a deadline.</summary>
public sealed record WarningPoint(string Kind, int DaysBefore, DateOnly On, DateTimeOffset At, LocalizedText Text);

/// <summary>The names of the deadlines the engine computes (stable; used in read models and messages).</summary>
public static class DeadlineKinds
{
    public const string GdprAnswer = "gdpr-answer";
    public const string GdprExtensionWindow = "gdpr-extension-window";
    public const string DsaInternalComplaint = "dsa-internal-complaint";
    public const string ApProgress = "ap-progress";
    public const string StalkingComplaint = "stalking-complaint";
    public const string PlatformResponse = "platform-response";
    public const string RemovalDemand = "removal-demand";
    public const string UavgPetition = "uavg-petition";
    public const string AwbObjection = "awb-objection";
}
