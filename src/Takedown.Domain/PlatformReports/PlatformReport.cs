using Takedown.Domain.Deadlines;

namespace Takedown.Domain.PlatformReports;

public enum ReportCategory
{
    /// <summary>Sr art. 285d.</summary>
    Doxing,

    /// <summary>Belaging, Sr art. 285b.</summary>
    Stalking,

    /// <summary>Sr art. 254ba (art. 139h before 1 July 2024).</summary>
    IntimateImages,

    /// <summary>Bedreiging, Sr art. 285.</summary>
    Threats,
}

public enum PlatformReportStatus
{
    None,
    Drafted,

    /// <summary>The victim (or the partner on the victim's behalf) approved the notice's text; it may be filed.</summary>
    Approved,
    Filed,
    Removed,
    Restricted,
    Refused,
    InternalComplaint,
    Closed,
}

/// <summary>
/// Who submits the notice (DSA Art. 16(2)(c): "the individual or entity submitting the notice"). The platform may name
/// the notifier to the uploader in its statement of reasons (Art. 17(3)(b)), so for doxing and stalking the service itself
/// is the safer notifier: the notice then carries the service's name and a reply address of this report, not the victim's.
/// </summary>
public enum NotifierKind
{
    /// <summary>The victim, with their own name and e-mail address.</summary>
    Victim,

    /// <summary>The service on the victim's behalf: its name and the report's reply address; the victim's name and e-mail are not in the notice.</summary>
    Service,
}

/// <summary>The elements a DSA Art. 16(2) notice must contain to count as a notice at all.</summary>
public enum NoticeElement
{
    /// <summary>Art. 16(2)(a): why the notifier considers the content illegal.</summary>
    Explanation,

    /// <summary>Art. 16(2)(b): the exact electronic location, such as the exact URLs.</summary>
    ExactUrls,

    /// <summary>Art. 16(2)(c): the notifier's name and e-mail address.</summary>
    NotifierNameAndEmail,

    /// <summary>Art. 16(2)(d): the statement of good faith.</summary>
    GoodFaithStatement,
}

// Events
public sealed record PlatformReportDrafted(
    Guid ReportId,
    Guid CaseId,
    string Platform,
    [PersonalData] IReadOnlyList<string> Urls,
    ReportCategory Category,
    [PersonalData] string Explanation,
    [PersonalData] string NotifierName,
    [PersonalData] string NotifierEmail,
    bool GoodFaithStatement,
    DateTimeOffset DraftedAt,
    NotifierKind Notifier = NotifierKind.Victim);
/// <summary>
/// The notice's text as shown was approved: <see cref="NoticeSha256"/> is the SHA-256 of exactly what will be sent (the
/// API notice's fields, or the notice letter for a platform that takes notices by e-mail only).
/// </summary>
public sealed record PlatformReportApproved(Guid ReportId, string ApprovedBy, string NoticeSha256, DateTimeOffset ApprovedAt);
public sealed record PlatformReportFiled(Guid ReportId, string TicketId, DateTimeOffset FiledAt);
/// <summary>
/// Filed by e-mail with a platform that has no report API: the notice letter <see cref="LetterId"/> was accepted by the
/// SMTP server at <see cref="FiledAt"/> (the response target runs from then). There is no ticket.
/// </summary>
public sealed record PlatformReportFiledByEmail(Guid ReportId, Guid LetterId, string MessageId, DateTimeOffset FiledAt);
public sealed record PlatformReportAcknowledged(Guid ReportId, DateTimeOffset AcknowledgedAt);
public sealed record PlatformReportStatusChanged(Guid ReportId, string Status, DateTimeOffset ChangedAt);
public sealed record ContentRemoved(Guid ReportId, DateTimeOffset RemovedAt);
public sealed record ContentRestricted(Guid ReportId, string Restriction, [PersonalData] string StatementOfReasons, DateTimeOffset RestrictedAt);
/// <summary>The platform refuses to act; <see cref="StatementOfReasons"/> is its DSA Art. 17 statement.</summary>
public sealed record ContentRemovalRefused(Guid ReportId, [PersonalData] string StatementOfReasons, DateTimeOffset RefusedAt);
public sealed record ResponseTargetMissed(Guid ReportId, DateTimeOffset DueAt, DateTimeOffset MissedAt);
public sealed record InternalComplaintLodged(Guid ReportId, [PersonalData] string Grounds, DateTimeOffset LodgedAt);
/// <summary>The platform received the internal complaint (DSA Art. 20) and gave it <see cref="ComplaintId"/>.</summary>
public sealed record InternalComplaintFiled(Guid ReportId, string ComplaintId, DateTimeOffset FiledAt);
public sealed record PlatformReportClosed(Guid ReportId, DateTimeOffset ClosedAt);

// Commands
public sealed record DraftPlatformReport(
    Guid ReportId,
    Guid CaseId,
    string Platform,
    IReadOnlyList<string> Urls,
    ReportCategory Category,
    string Explanation,
    string NotifierName,
    string NotifierEmail,
    bool GoodFaithStatement,
    DateTimeOffset Now,
    NotifierKind Notifier = NotifierKind.Victim);
/// <summary>
/// Approves the notice's text: <c>ShownSha256</c> is the SHA-256 of the notice the approver was shown,
/// <c>NoticeSha256</c> that of the notice as it would be sent now, and <c>PublicationWarningShown</c> says the approver
/// was told that platforms may publish notices.
/// </summary>
public sealed record ApprovePlatformReport(
    Guid ReportId, string ApprovedBy, string ShownSha256, string NoticeSha256, bool PublicationWarningShown, DateTimeOffset Now);
public sealed record FilePlatformReport(Guid ReportId, string TicketId, DateTimeOffset Now);
/// <summary>Records the notice letter as sent; <c>Now</c> is when the SMTP server accepted it.</summary>
public sealed record FilePlatformReportByEmail(Guid ReportId, Guid LetterId, string MessageId, DateTimeOffset Now);
public sealed record AcknowledgePlatformReport(Guid ReportId, DateTimeOffset Now);
public sealed record RecordPlatformStatus(Guid ReportId, string Status, DateTimeOffset Now);
public sealed record RecordContentRemoved(Guid ReportId, DateTimeOffset Now);
public sealed record RecordContentRestricted(Guid ReportId, string Restriction, string StatementOfReasons, DateTimeOffset Now);
public sealed record RecordContentRemovalRefused(Guid ReportId, string StatementOfReasons, DateTimeOffset Now);
public sealed record MarkResponseTargetMissed(Guid ReportId, DateTimeOffset Now);
public sealed record LodgeInternalComplaint(Guid ReportId, string Grounds, DateTimeOffset Now);
public sealed record RecordInternalComplaintFiled(Guid ReportId, string ComplaintId, DateTimeOffset Now);
public sealed record ClosePlatformReport(Guid ReportId, DateTimeOffset Now);

/// <summary>A DSA Art. 16 notice to one hosting platform about exact URLs.</summary>
public sealed record PlatformReport(
    Guid Id,
    Guid CaseId,
    PlatformReportStatus Status,
    string Platform,
    ReportCategory Category,
    IReadOnlyList<string> Urls,
    string Explanation,
    string NotifierName,
    string NotifierEmail,
    bool GoodFaithStatement,
    string? TicketId,
    DateTimeOffset? FiledAt,
    DateTimeOffset? AcknowledgedAt,
    string? PlatformStatus,
    DateTimeOffset? FirstDecisionAt,
    DateTimeOffset? RefusedAt,
    bool TargetMissed,
    DateTimeOffset? ComplaintLodgedAt,
    string? ApprovedNoticeSha256,
    Guid? EmailLetterId,
    string? ComplaintId,
    NotifierKind Notifier = NotifierKind.Victim)
{
    public static readonly PlatformReport Initial = new(
        Guid.Empty, Guid.Empty, PlatformReportStatus.None, "", ReportCategory.Doxing, [], "", "", "", false, null, null, null, null, null, null, false, null,
        null, null, null);

    /// <summary>Filed with the platform, through its API or by e-mail.</summary>
    public bool IsFiled => FiledAt is not null;

    /// <summary>Filed as a notice letter, because the platform takes notices by e-mail only.</summary>
    public bool FiledByEmail => EmailLetterId is not null;

    /// <summary>The platform confirmed it received the notice.</summary>
    public bool Acknowledged => AcknowledgedAt is not null;

    public IReadOnlyList<NoticeElement> MissingNoticeElements() =>
        MissingElements(Urls, Explanation, NotifierName, NotifierEmail, GoodFaithStatement);

    /// <summary>How long the platform took for its first decision, or null while it has not decided.</summary>
    public TimeSpan? ResponseTime => FiledAt is { } filed && FirstDecisionAt is { } decided ? decided - filed : null;

    /// <summary>Our per-platform response target, or null before filing.</summary>
    public Deadline? ResponseDeadline(DeadlineEngine engine) =>
        FiledAt is { } filed ? engine.PlatformResponse(Platform, Category, filed) : null;

    /// <summary>The DSA Art. 20 internal-complaint window after a refusal, or null when there is no refusal.</summary>
    public Deadline? InternalComplaintWindow(DeadlineEngine engine) =>
        RefusedAt is { } refused ? engine.DsaInternalComplaintWindow(engine.LocalDate(refused, DeadlineEngine.VictimCountry)) : null;

    /// <summary>DSA Art. 16(2): the elements missing from a notice; empty when it is complete.</summary>
    public static IReadOnlyList<NoticeElement> MissingElements(IReadOnlyList<string> urls, string explanation, string notifierName, string notifierEmail, bool goodFaithStatement)
    {
        var missing = new List<NoticeElement>();
        if (string.IsNullOrWhiteSpace(explanation))
        {
            missing.Add(NoticeElement.Explanation);
        }

        if (urls.Count == 0 || !urls.All(IsExactUrl))
        {
            missing.Add(NoticeElement.ExactUrls);
        }

        if (string.IsNullOrWhiteSpace(notifierName) || !notifierEmail.Contains('@', StringComparison.Ordinal))
        {
            missing.Add(NoticeElement.NotifierNameAndEmail);
        }

        if (!goodFaithStatement)
        {
            missing.Add(NoticeElement.GoodFaithStatement);
        }

        return missing;
    }

    private static bool IsExactUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;

    public static PlatformReport Evolve(PlatformReport state, object @event) => @event switch
    {
        PlatformReportDrafted e => state with
        {
            Id = e.ReportId, CaseId = e.CaseId, Status = PlatformReportStatus.Drafted, Platform = e.Platform, Category = e.Category, Urls = e.Urls,
            Explanation = e.Explanation, NotifierName = e.NotifierName, NotifierEmail = e.NotifierEmail, GoodFaithStatement = e.GoodFaithStatement,
            Notifier = e.Notifier,
        },
        PlatformReportApproved e => state with { Status = PlatformReportStatus.Approved, ApprovedNoticeSha256 = e.NoticeSha256 },
        PlatformReportFiled e => state with { Status = PlatformReportStatus.Filed, TicketId = e.TicketId, FiledAt = e.FiledAt },
        PlatformReportFiledByEmail e => state with { Status = PlatformReportStatus.Filed, EmailLetterId = e.LetterId, FiledAt = e.FiledAt },
        PlatformReportAcknowledged e => state with { AcknowledgedAt = state.AcknowledgedAt ?? e.AcknowledgedAt },
        PlatformReportStatusChanged e => state with { PlatformStatus = e.Status },
        ContentRemoved e => state with { Status = PlatformReportStatus.Removed, FirstDecisionAt = state.FirstDecisionAt ?? e.RemovedAt },
        ContentRestricted e => state with { Status = PlatformReportStatus.Restricted, FirstDecisionAt = state.FirstDecisionAt ?? e.RestrictedAt },
        ContentRemovalRefused e => state with { Status = PlatformReportStatus.Refused, FirstDecisionAt = state.FirstDecisionAt ?? e.RefusedAt, RefusedAt = e.RefusedAt },
        ResponseTargetMissed => state with { TargetMissed = true },
        InternalComplaintLodged e => state with { Status = PlatformReportStatus.InternalComplaint, ComplaintLodgedAt = e.LodgedAt },
        InternalComplaintFiled e => state with { ComplaintId = e.ComplaintId },
        PlatformReportClosed => state with { Status = PlatformReportStatus.Closed },
        _ => state,
    };

    public static object[] Decide(object command, PlatformReport state, DeadlineEngine engine)
    {
        if (command is not DraftPlatformReport && state.Status == PlatformReportStatus.None)
        {
            throw new DomainRuleViolated("There is no platform report yet; draft it first.");
        }

        if (command is not (DraftPlatformReport or ClosePlatformReport) && state.Status == PlatformReportStatus.Closed)
        {
            throw new DomainRuleViolated("The platform report is closed.");
        }

        return command switch
        {
            DraftPlatformReport c => Draft(c, state),
            ApprovePlatformReport c => Approve(c, state),
            FilePlatformReport c => File(c, state),
            FilePlatformReportByEmail c => FileByEmail(c, state),
            AcknowledgePlatformReport c => Acknowledge(c, state),
            RecordPlatformStatus c => RecordStatus(c, state),
            RecordContentRemoved c => Removed(c, state),
            RecordContentRestricted c => Restricted(c, state),
            RecordContentRemovalRefused c => Refused(c, state),
            MarkResponseTargetMissed c => MarkTargetMissed(c, state, engine),
            LodgeInternalComplaint c => Complain(c, state, engine),
            RecordInternalComplaintFiled c => ComplaintFiled(c, state),
            ClosePlatformReport c => state.Status == PlatformReportStatus.Closed ? [] : [new PlatformReportClosed(state.Id, c.Now)],
            _ => throw new DomainRuleViolated($"A platform report does not handle {command.GetType().Name}."),
        };
    }

    private static object[] Draft(DraftPlatformReport c, PlatformReport state)
    {
        if (state.Status != PlatformReportStatus.None)
        {
            return state.Id == c.ReportId && state.CaseId == c.CaseId
                ? []
                : throw new DomainRuleViolated("This platform report has already been drafted.");
        }

        if (!Enum.IsDefined(c.Notifier))
        {
            throw new DomainRuleViolated($"The notifier is the victim or the service: use one of {string.Join(", ", Enum.GetNames<NotifierKind>())}.");
        }

        return string.IsNullOrWhiteSpace(c.Platform)
            ? throw new DomainRuleViolated("A platform report needs the platform it goes to.")
            : [new PlatformReportDrafted(c.ReportId, c.CaseId, c.Platform, c.Urls, c.Category, c.Explanation, c.NotifierName, c.NotifierEmail, c.GoodFaithStatement, c.Now,
                c.Notifier)];
    }

    private static object[] Approve(ApprovePlatformReport c, PlatformReport state)
    {
        if (state.Status != PlatformReportStatus.Drafted)
        {
            // Approved already, or filed since: approving again changes nothing.
            return [];
        }

        // Platforms may publish notices (e.g. in the Lumen database), and the notice carries the notifier's name and
        // e-mail address (DSA Art. 16(2)(c)): nobody may approve it without having been told.
        if (!c.PublicationWarningShown)
        {
            throw new DomainRuleViolated("Before approving, the victim must be told that platforms may publish notices they receive (for example in the Lumen database).");
        }

        var missing = state.MissingNoticeElements();
        if (missing.Count > 0)
        {
            throw new DomainRuleViolated($"The notice lacks what DSA Art. 16(2) requires: {string.Join(", ", missing)}.");
        }

        if (string.IsNullOrWhiteSpace(c.NoticeSha256))
        {
            throw new DomainRuleViolated("Approving needs the SHA-256 of the notice as it will be sent.");
        }

        // The victim approves the text they saw: a different hash means the notice changed under them.
        return !string.Equals(c.ShownSha256, c.NoticeSha256, StringComparison.OrdinalIgnoreCase)
            ? throw new DomainRuleViolated("The notice's text is not the one shown for approval; reload it and approve again.", DomainRuleViolated.TextChanged)
            : [new PlatformReportApproved(state.Id, c.ApprovedBy, c.NoticeSha256.ToLowerInvariant(), c.Now)];
    }

    private static object[] File(FilePlatformReport c, PlatformReport state)
    {
        if (state.TicketId is { } ticket)
        {
            return ticket == c.TicketId ? [] : throw new DomainRuleViolated("The report was already filed; it cannot be filed a second time.");
        }

        EnsureApprovedAndNotFiled(state);
        var missing = state.MissingNoticeElements();
        if (missing.Count > 0)
        {
            throw new DomainRuleViolated($"The notice lacks what DSA Art. 16(2) requires: {string.Join(", ", missing)}.");
        }

        return string.IsNullOrWhiteSpace(c.TicketId)
            ? throw new DomainRuleViolated("Filing needs the platform's ticket id.")
            : [new PlatformReportFiled(state.Id, c.TicketId, c.Now)];
    }

    private static object[] FileByEmail(FilePlatformReportByEmail c, PlatformReport state)
    {
        if (state.EmailLetterId is { } letter)
        {
            return letter == c.LetterId ? [] : throw new DomainRuleViolated("The report was already filed by e-mail with another letter.");
        }

        EnsureApprovedAndNotFiled(state);
        return string.IsNullOrWhiteSpace(c.MessageId)
            ? throw new DomainRuleViolated("Filing by e-mail needs the notice letter's Message-ID as proof of sending.")
            : [new PlatformReportFiledByEmail(state.Id, c.LetterId, c.MessageId, c.Now)];
    }

    private static void EnsureApprovedAndNotFiled(PlatformReport state)
    {
        if (state.IsFiled)
        {
            throw new DomainRuleViolated(state.FiledByEmail
                ? "The report was already filed by e-mail; it cannot be filed a second time."
                : "The report was already filed; it cannot be filed a second time.");
        }

        if (state.Status != PlatformReportStatus.Approved)
        {
            throw new DomainRuleViolated("The notice has not been approved yet: a report is filed only after its text was approved.");
        }
    }

    private static object[] Acknowledge(AcknowledgePlatformReport c, PlatformReport state)
    {
        EnsureFiled(state, "an acknowledgement by the platform");
        return state.Acknowledged ? [] : [new PlatformReportAcknowledged(state.Id, c.Now)];
    }

    private static object[] RecordStatus(RecordPlatformStatus c, PlatformReport state)
    {
        EnsureFiled(state, "a status update");
        return state.PlatformStatus == c.Status ? [] : [new PlatformReportStatusChanged(state.Id, c.Status, c.Now)];
    }

    // A platform reached by e-mail takes the victim's internal complaint (DSA Art. 20) in its own complaint system, outside
    // Takedown: its new decision follows the refusal without a complaint lodged here.
    private static object[] Removed(RecordContentRemoved c, PlatformReport state) => state.Status switch
    {
        PlatformReportStatus.Removed => [],
        PlatformReportStatus.Filed or PlatformReportStatus.Restricted or PlatformReportStatus.InternalComplaint => [new ContentRemoved(state.Id, c.Now)],
        PlatformReportStatus.Refused when state.FiledByEmail => [new ContentRemoved(state.Id, c.Now)],
        PlatformReportStatus.Refused => throw new DomainRuleViolated("The platform refused; a removal now follows an internal complaint (DSA Art. 20), so lodge that first."),
        _ => throw new DomainRuleViolated("The report has not been filed yet."),
    };

    private static object[] Restricted(RecordContentRestricted c, PlatformReport state) => state.Status switch
    {
        PlatformReportStatus.Restricted => [],
        PlatformReportStatus.Filed or PlatformReportStatus.InternalComplaint => [new ContentRestricted(state.Id, c.Restriction, c.StatementOfReasons, c.Now)],
        PlatformReportStatus.Refused when state.FiledByEmail => [new ContentRestricted(state.Id, c.Restriction, c.StatementOfReasons, c.Now)],
        PlatformReportStatus.Removed => throw new DomainRuleViolated("The content has already been removed."),
        PlatformReportStatus.Refused => throw new DomainRuleViolated("The platform refused; a new decision follows an internal complaint (DSA Art. 20), so lodge that first."),
        _ => throw new DomainRuleViolated("The report has not been filed yet."),
    };

    private static object[] Refused(RecordContentRemovalRefused c, PlatformReport state) => state.Status switch
    {
        PlatformReportStatus.Refused => [],
        PlatformReportStatus.Filed or PlatformReportStatus.InternalComplaint => [new ContentRemovalRefused(state.Id, c.StatementOfReasons, c.Now)],
        PlatformReportStatus.Removed => throw new DomainRuleViolated("The content has already been removed."),
        PlatformReportStatus.Restricted => throw new DomainRuleViolated("The platform already decided to restrict the content."),
        _ => throw new DomainRuleViolated("The report has not been filed yet."),
    };

    private static object[] MarkTargetMissed(MarkResponseTargetMissed c, PlatformReport state, DeadlineEngine engine)
    {
        if (state.TargetMissed)
        {
            return [];
        }

        if (state.Status != PlatformReportStatus.Filed)
        {
            throw new DomainRuleViolated("Only a filed report still awaiting the platform's decision can miss its response target.");
        }

        var target = state.ResponseDeadline(engine)!;
        return target.IsExpiredAt(c.Now)
            ? [new ResponseTargetMissed(state.Id, target.DueAt, c.Now)]
            : throw new DomainRuleViolated($"The response target has not passed yet (due {target.DueAt:yyyy-MM-dd HH:mm zzz}).");
    }

    private static object[] Complain(LodgeInternalComplaint c, PlatformReport state, DeadlineEngine engine)
    {
        if (state.Status == PlatformReportStatus.InternalComplaint)
        {
            return [];
        }

        if (state.Status != PlatformReportStatus.Refused)
        {
            throw new DomainRuleViolated("An internal complaint (DSA Art. 20) can only be lodged after the platform refused to act.");
        }

        if (state.ComplaintLodgedAt is not null)
        {
            throw new DomainRuleViolated("An internal complaint was already lodged and refused; the next step is out-of-court dispute settlement (DSA Art. 21) or the court.");
        }

        if (string.IsNullOrWhiteSpace(c.Grounds))
        {
            throw new DomainRuleViolated("An internal complaint needs the grounds on which the decision is contested.");
        }

        var window = state.InternalComplaintWindow(engine)!;
        return window.IsExpiredAt(c.Now)
            ? throw new DomainRuleViolated($"The window for an internal complaint (DSA Art. 20, at least six months) ended on {window.DueDate:yyyy-MM-dd}.")
            : [new InternalComplaintLodged(state.Id, c.Grounds, c.Now)];
    }

    private static object[] ComplaintFiled(RecordInternalComplaintFiled c, PlatformReport state)
    {
        if (state.ComplaintLodgedAt is null)
        {
            throw new DomainRuleViolated("No internal complaint was lodged, so none can have been filed with the platform.");
        }

        if (state.ComplaintId is { } known)
        {
            return known == c.ComplaintId ? [] : throw new DomainRuleViolated("The internal complaint was already filed with the platform under another id.");
        }

        // A decision on the complaint may be applied before the platform's receipt is recorded (a status webhook can
        // overtake the filing's own transaction), so the receipt is taken whatever the report's status now is.
        return string.IsNullOrWhiteSpace(c.ComplaintId)
            ? throw new DomainRuleViolated("Recording the internal complaint needs the platform's id for it.")
            : [new InternalComplaintFiled(state.Id, c.ComplaintId, c.Now)];
    }

    private static void EnsureFiled(PlatformReport state, string what)
    {
        if (!state.IsFiled)
        {
            throw new DomainRuleViolated($"The report has not been filed yet, so {what} is not possible.");
        }
    }
}
