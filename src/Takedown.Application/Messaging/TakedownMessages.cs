using Takedown.Messaging;
using Wolverine.Attributes;

namespace Takedown.Application.Messaging;

/// <summary>Send a prepared letter over SMTP once it may go (approved, or a notice that needs no approval).</summary>
[MessageType("send-letter")]
public sealed record SendLetter(Guid LetterId);

/// <summary>At the erasure request's answer deadline: is it answered? If not, record the miss and escalate.</summary>
[MessageType("check-erasure-deadline")]
[MessageIdentity("check-erasure-deadline")]
public sealed record CheckErasureDeadline(Guid RequestId);

/// <summary>
/// A warning point <see cref="DaysBefore"/> days before an erasure request's deadline due on <see cref="DueDate"/> (null
/// in warnings scheduled before the due date was carried: those are treated as made for an earlier deadline).
/// </summary>
[MessageType("erasure-deadline-warning")]
[MessageIdentity("erasure-deadline-warning")]
public sealed record ErasureDeadlineWarning(Guid RequestId, int DaysBefore, DateOnly? DueDate = null);

/// <summary>Tell the victim what happened on one of their requests, by e-mail (a notice needs no approval).</summary>
[MessageType("notify-victim")]
public sealed record NotifyVictim(Guid RequestId, VictimNoticeKind Kind);

public enum VictimNoticeKind
{
    Sent,
    Answered,
    DeadlineMissed,
    ReminderWaiting,
}

/// <summary>Prepare a complaint's dossier; sent no more, handled for messages stored when dossiers were e-mailed to the AP.</summary>
[MessageType("send-ap-complaint-dossier")]
public sealed record SendApComplaintDossier(Guid ComplaintId);

/// <summary>File an approved platform report with its platform's report API (DSA Art. 16 notice).</summary>
[MessageType("file-platform-report")]
public sealed record FileWithPlatform(Guid ReportId);

/// <summary>At a platform report's response target: has the platform decided? If not, the operators must act.</summary>
[MessageType("check-platform-response")]
[MessageIdentity("check-platform-response")]
public sealed record CheckPlatformResponse(Guid ReportId);

/// <summary>File a lodged internal complaint (DSA Art. 20) with the platform's report API.</summary>
[MessageType("file-internal-complaint")]
public sealed record FileInternalComplaint(Guid ReportId);
