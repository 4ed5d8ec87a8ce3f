using System.Security.Cryptography;
using System.Text;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Letters;

namespace Takedown.Domain.ErasureRequests;

public enum ErasureRequestStatus
{
    None,
    Drafted,
    Approved,
    Sent,
    Answered,
    DeadlineMissed,
    Escalated,
    Withdrawn,
    Closed,
}

/// <summary>
/// What the request asks of the controller. <see cref="Delisting"/>: the controller is a search engine, asked under GDPR
/// Art. 17 (with Art. 21(1)) to remove results from searches on the data subject's name; the pages stay, but a search on
/// the name no longer finds them (CJEU C-131/12 Google Spain; C-136/17 GC and Others; EDPB Guidelines 5/2019). The
/// deadline is the same Art. 12(3) month.
/// </summary>
public enum ErasureRequestKind
{
    Erasure,
    Delisting,
}

public enum ErasureOutcome
{
    Complied,
    PartlyComplied,
    Refused,
}

// Events

/// <summary>
/// <see cref="ControllerLanguage"/> is the language of the letters to the controller ("nl" or "en"); null in events
/// stored before it was chosen, which read as <see cref="ErasureRequest.DefaultControllerLanguage"/>. <see cref="Kind"/> is
/// <see cref="ErasureRequestKind.Erasure"/> in events stored before delisting requests existed.
/// <see cref="DirectoryRecordId"/> and <see cref="DirectoryRecordVersion"/> name the controller directory's record the
/// controller was picked from, as it was then (null when it was typed in). <see cref="Channel"/> is how the request
/// reaches the controller, one of <see cref="LetterChannels"/> (null: e-mail, as in every event stored before);
/// <see cref="ControllerAddress"/> the postal address for a letter, <see cref="ControllerWebForm"/> the web form.
/// </summary>
public sealed record ErasureRequestDrafted(
    Guid RequestId,
    Guid CaseId,
    string ControllerName,
    string ControllerEmail,
    string ControllerCountry,
    [PersonalData] IReadOnlyList<string> PersonalData,
    [PersonalData] IReadOnlyList<string> Urls,
    DateTimeOffset DraftedAt,
    string? ControllerLanguage = null,
    ErasureRequestKind Kind = ErasureRequestKind.Erasure,
    string? DirectoryRecordId = null,
    int? DirectoryRecordVersion = null,
    string? Channel = null,
    IReadOnlyList<string>? ControllerAddress = null,
    string? ControllerWebForm = null);
public sealed record ErasureRequestApproved(Guid RequestId, DateTimeOffset ApprovedAt);
/// <summary>
/// <see cref="ReceivedOn"/> is the date of receipt by the controller: it starts the GDPR Art. 12(3) clock.
/// <see cref="Channel"/>: null when the service e-mailed it; "post" or "web-form" when the victim sent it and said when
/// it arrived (the letter's delivery, the form's submission).
/// </summary>
public sealed record ErasureRequestSent(Guid RequestId, DateOnly ReceivedOn, DateTimeOffset SentAt, string? Channel = null);
public sealed record ErasureRequestAcknowledged(Guid RequestId, DateTimeOffset AcknowledgedAt);
public sealed record ExtensionClaimed(Guid RequestId, [PersonalData] string Reason, DateTimeOffset ClaimedAt);
/// <summary>The controller asks to verify identity (GDPR Art. 12(6)); the clock stops from <see cref="PausedOn"/>.</summary>
public sealed record IdentityCheckRequested(Guid RequestId, [PersonalData] string What, DateOnly PausedOn, DateTimeOffset RequestedAt);
public sealed record IdentityCheckAnswered(Guid RequestId, DateOnly ResumedOn, DateTimeOffset AnsweredAt);
public sealed record ErasureRequestAnswered(Guid RequestId, ErasureOutcome Outcome, [PersonalData] string Reasons, DateTimeOffset AnsweredAt);
public sealed record DeadlineMissed(Guid RequestId, DateOnly DueDate, DateTimeOffset MissedAt);
public sealed record ErasureRequestEscalated(Guid RequestId, Guid ApComplaintId, DateTimeOffset EscalatedAt);
public sealed record ErasureRequestWithdrawn(Guid RequestId, [PersonalData] string Reason, DateTimeOffset WithdrawnAt);
public sealed record ErasureRequestClosed(Guid RequestId, DateTimeOffset ClosedAt);
/// <summary>
/// A message came back to the request's reply address. The raw message is kept beside the stream (by its SHA-256);
/// the meaning is only proposed here, and counts once an operator confirms it.
/// </summary>
public sealed record ReplyReceived(Guid RequestId, Guid ReplyId, string RawSha256, string ProposedMeaning, double Confidence, DateTimeOffset ReceivedAt);
/// <summary>An operator read the reply and confirmed what it means; the matching command follows with the reply's own date.</summary>
public sealed record ReplyMeaningConfirmed(Guid RequestId, Guid ReplyId, string Meaning, string ConfirmedBy, DateTimeOffset ConfirmedAt);
/// <summary>The controller's address bounced: the letter did not arrive, so no clock runs until it is sent to a working address.</summary>
public sealed record ControllerAddressBounced(Guid RequestId, Guid ReplyId, DateTimeOffset BouncedAt);

// Commands

/// <summary>
/// <see cref="ControllerLanguage"/>: "nl" or "en"; null takes the default for the controller's country.
/// <see cref="Kind"/>: <see cref="ErasureRequestKind.Delisting"/> when the controller is a search engine.
/// <see cref="Channel"/>: one of <see cref="LetterChannels"/>, e-mail when null; a letter needs
/// <see cref="ControllerAddress"/>, the web form <see cref="ControllerWebForm"/>.
/// </summary>
public sealed record DraftErasureRequest(
    Guid RequestId,
    Guid CaseId,
    string ControllerName,
    string ControllerEmail,
    string ControllerCountry,
    IReadOnlyList<string> PersonalData,
    IReadOnlyList<string> Urls,
    DateTimeOffset Now,
    string? ControllerLanguage = null,
    ErasureRequestKind Kind = ErasureRequestKind.Erasure,
    string? DirectoryRecordId = null,
    int? DirectoryRecordVersion = null,
    string? Channel = null,
    IReadOnlyList<string>? ControllerAddress = null,
    string? ControllerWebForm = null);
public sealed record ApproveErasureRequest(Guid RequestId, DateTimeOffset Now);
public sealed record SendErasureRequest(Guid RequestId, DateOnly ReceivedOn, DateTimeOffset Now);
/// <summary>
/// The victim sent an approved request that goes by post or web form, and says on which day it reached the controller
/// (<see cref="ReceivedOn"/>: the letter's delivery, the form's submission); <see cref="Today"/> is the victim's date now.
/// </summary>
public sealed record RecordErasureSubmission(Guid RequestId, DateOnly ReceivedOn, DateOnly Today, DateTimeOffset Now);
public sealed record AcknowledgeErasureRequest(Guid RequestId, DateTimeOffset Now);
public sealed record ClaimExtension(Guid RequestId, string Reason, DateTimeOffset Now);
public sealed record RequestIdentityCheck(Guid RequestId, string What, DateTimeOffset Now);
public sealed record AnswerIdentityCheck(Guid RequestId, DateTimeOffset Now);
public sealed record RecordErasureAnswer(Guid RequestId, ErasureOutcome Outcome, string Reasons, DateTimeOffset Now);
public sealed record MarkDeadlineMissed(Guid RequestId, DateTimeOffset Now);
public sealed record EscalateErasureRequest(Guid RequestId, Guid ApComplaintId, DateTimeOffset Now);
public sealed record WithdrawErasureRequest(Guid RequestId, string Reason, DateTimeOffset Now);
public sealed record CloseErasureRequest(Guid RequestId, DateTimeOffset Now);
public sealed record RecordReply(Guid RequestId, Guid ReplyId, string RawSha256, string ProposedMeaning, double Confidence, DateTimeOffset Now);
public sealed record ConfirmReplyMeaning(Guid RequestId, Guid ReplyId, string Meaning, string ConfirmedBy, DateTimeOffset Now);
public sealed record RecordBounce(Guid RequestId, Guid ReplyId, DateTimeOffset Now);

/// <summary>
/// A GDPR Art. 17 erasure request (verzoek tot verwijdering) to one data controller, or, to a search engine, a request to
/// delist results from searches on the data subject's name (<see cref="ErasureRequestKind.Delisting"/>).
/// </summary>
public sealed record ErasureRequest(
    Guid Id,
    Guid CaseId,
    ErasureRequestStatus Status,
    string ControllerCountry,
    DateTimeOffset? ApprovedAt,
    DateOnly? ReceivedOn,
    bool Acknowledged,
    bool Extended,
    string? ExtensionReason,
    IReadOnlyList<ClockPause> Pauses,
    ErasureOutcome? Outcome,
    Guid? ApComplaintId,
    IReadOnlyDictionary<Guid, DateTimeOffset>? Replies = null,
    bool AddressBounced = false,
    string ControllerLanguage = "nl",
    ErasureRequestKind Kind = ErasureRequestKind.Erasure,
    string Channel = LetterChannels.Email)
{
    public static readonly ErasureRequest Initial = new(Guid.Empty, Guid.Empty, ErasureRequestStatus.None, "NL", null, null, false, false, null, [], null, null);

    /// <summary>The languages a letter to a controller can be written in.</summary>
    public static readonly IReadOnlyList<string> ControllerLanguages = ["nl", "en"];

    public bool IsPaused => Pauses.Count > 0 && Pauses[^1].Until is null;

    /// <summary>A Dutch controller is written to in Dutch; any other in English, the common language of EU privacy offices.</summary>
    public static string DefaultControllerLanguage(string controllerCountry) =>
        string.Equals(controllerCountry, "NL", StringComparison.OrdinalIgnoreCase) ? "nl" : "en";

    /// <summary>
    /// Why a reminder to the controller would be pointless now, or null when one may be prepared and sent: only while the
    /// request is sent and unanswered, its clock running (during an identity check the controller waits for the victim,
    /// GDPR Art. 12(6)) and its deadline not yet passed (after that the AP complaint is the next step, Art. 77).
    /// </summary>
    public string? WhyNoReminder(DeadlineEngine engine, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Status switch
        {
            ErasureRequestStatus.Sent when IsPaused => "The clock is stopped while the controller waits for the identity check answer.",
            ErasureRequestStatus.Sent when AnswerDeadline(engine, engine.LocalDate(now, ControllerCountry))!.IsExpiredAt(now)
                => "The deadline has passed; the AP complaint is the next step.",
            ErasureRequestStatus.Sent => null,
            _ => $"The request is {Describe(Status)}; a reminder is no longer needed.",
        };
    }

    /// <summary>
    /// The id of the reminder for one deadline: one reminder per request and due date, whichever warning prepares it,
    /// and a reminder prepared for a deadline that has since moved is recognisably not the current one.
    /// </summary>
    public static Guid ReminderIdFor(Guid requestId, DateOnly dueDate)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"deadline-reminder:{requestId:N}:{dueDate:yyyy-MM-dd}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The controller's answer deadline (GDPR Art. 12(3)), or null before the request was sent.</summary>
    public Deadline? AnswerDeadline(DeadlineEngine engine, DateOnly? today = null) =>
        ReceivedOn is { } received ? engine.GdprAnswer(received, Extended, Pauses, ControllerCountry, today) : null;

    /// <summary>The end of the first month, within which an extension must be claimed, or null before sending.</summary>
    public Deadline? ExtensionWindow(DeadlineEngine engine, DateOnly? today = null) =>
        ReceivedOn is { } received ? engine.GdprExtensionWindow(received, Pauses, ControllerCountry, today) : null;

    public static ErasureRequest Evolve(ErasureRequest state, object @event) => @event switch
    {
        ErasureRequestDrafted e => state with
        {
            Id = e.RequestId, CaseId = e.CaseId, Status = ErasureRequestStatus.Drafted, ControllerCountry = e.ControllerCountry,
            ControllerLanguage = e.ControllerLanguage ?? DefaultControllerLanguage(e.ControllerCountry), Kind = e.Kind,
            Channel = e.Channel ?? LetterChannels.Email,
        },
        ErasureRequestApproved e => state with { Status = ErasureRequestStatus.Approved, ApprovedAt = e.ApprovedAt },
        ErasureRequestSent e => state with { Status = ErasureRequestStatus.Sent, ReceivedOn = e.ReceivedOn },
        ErasureRequestAcknowledged => state with { Acknowledged = true },
        ExtensionClaimed e => state with { Extended = true, ExtensionReason = e.Reason },
        IdentityCheckRequested e => state with { Pauses = [.. state.Pauses, new ClockPause(e.PausedOn, null)] },
        IdentityCheckAnswered e when state.IsPaused => state with { Pauses = [.. state.Pauses.Take(state.Pauses.Count - 1), state.Pauses[^1] with { Until = e.ResumedOn }] },
        ErasureRequestAnswered e => state with
        {
            Outcome = e.Outcome,
            Status = state.Status is ErasureRequestStatus.Sent or ErasureRequestStatus.DeadlineMissed ? ErasureRequestStatus.Answered : state.Status,
        },
        DeadlineMissed => state with { Status = ErasureRequestStatus.DeadlineMissed },
        ErasureRequestEscalated e => state with { Status = ErasureRequestStatus.Escalated, ApComplaintId = e.ApComplaintId },
        ErasureRequestWithdrawn => state with { Status = ErasureRequestStatus.Withdrawn },
        ErasureRequestClosed => state with { Status = ErasureRequestStatus.Closed },
        ReplyReceived e => state with { Replies = new Dictionary<Guid, DateTimeOffset>(state.Replies ?? new Dictionary<Guid, DateTimeOffset>()) { [e.ReplyId] = e.ReceivedAt } },
        ControllerAddressBounced => state with { AddressBounced = true },
        _ => state,
    };

    public static object[] Decide(object command, ErasureRequest state, DeadlineEngine engine)
    {
        if (command is not DraftErasureRequest && state.Status == ErasureRequestStatus.None)
        {
            throw new DomainRuleViolated("There is no erasure request yet; draft it first.");
        }

        return command switch
        {
            DraftErasureRequest c => Draft(c, state, engine),
            ApproveErasureRequest c => Approve(c, state),
            SendErasureRequest c => Send(c, state, engine),
            RecordErasureSubmission c => RecordSubmission(c, state, engine),
            AcknowledgeErasureRequest c => Acknowledge(c, state),
            ClaimExtension c => ClaimExtension(c, state, engine),
            RequestIdentityCheck c => RequestIdentityCheck(c, state, engine),
            AnswerIdentityCheck c => AnswerIdentityCheck(c, state, engine),
            RecordErasureAnswer c => Answer(c, state),
            MarkDeadlineMissed c => MarkMissed(c, state, engine),
            EscalateErasureRequest c => Escalate(c, state),
            WithdrawErasureRequest c => Withdraw(c, state),
            CloseErasureRequest c => Close(c, state),
            RecordReply c => state.Replies?.ContainsKey(c.ReplyId) == true
                ? []
                : [new ReplyReceived(state.Id, c.ReplyId, c.RawSha256, c.ProposedMeaning, c.Confidence, c.Now)],
            ConfirmReplyMeaning c => state.Replies?.ContainsKey(c.ReplyId) == true
                ? [new ReplyMeaningConfirmed(state.Id, c.ReplyId, c.Meaning, c.ConfirmedBy, c.Now)]
                : throw new DomainRuleViolated("There is no such reply on this request."),
            RecordBounce c => state.AddressBounced
                ? []
                : [new ControllerAddressBounced(state.Id, c.ReplyId, c.Now)],
            _ => throw new DomainRuleViolated($"An erasure request does not handle {command.GetType().Name}."),
        };
    }

    private static object[] Draft(DraftErasureRequest c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.Status != ErasureRequestStatus.None)
        {
            return state.Id == c.RequestId && state.CaseId == c.CaseId
                ? []
                : throw new DomainRuleViolated("This erasure request has already been drafted.");
        }

        if (string.IsNullOrWhiteSpace(c.ControllerName))
        {
            throw new DomainRuleViolated("An erasure request needs the name of the data controller.");
        }

        var channel = c.Channel ?? LetterChannels.Email;
        switch (channel)
        {
            case LetterChannels.Email when !c.ControllerEmail.Contains('@', StringComparison.Ordinal):
                throw new DomainRuleViolated("An erasure request needs the controller's e-mail address.");
            case LetterChannels.Post when c.ControllerAddress is not { Count: >= 2 } address || address.Any(string.IsNullOrWhiteSpace):
                throw new DomainRuleViolated("An erasure request by post needs the controller's postal address, with the country on its last line.");
            case LetterChannels.WebForm when !Uri.TryCreate(c.ControllerWebForm, UriKind.Absolute, out var form) || form.Scheme is not ("https" or "http"):
                throw new DomainRuleViolated("An erasure request on a web form needs the form's address (https://…).");
            case not (LetterChannels.Email or LetterChannels.Post or LetterChannels.WebForm):
                throw new DomainRuleViolated($"An erasure request goes by e-mail, by post or on the controller's web form, not by '{channel}'.");
        }

        if (!engine.Calendars.Supports(c.ControllerCountry))
        {
            throw new DomainRuleViolated($"We cannot compute deadlines for controllers in '{c.ControllerCountry}' yet; supported: {string.Join(", ", engine.Calendars.Countries)}.");
        }

        if (c.PersonalData.Count == 0 || c.PersonalData.Any(string.IsNullOrWhiteSpace))
        {
            throw new DomainRuleViolated("An erasure request must say which personal data is to be erased (GDPR Art. 17(1)).");
        }

        if (c.ControllerLanguage is { } language && !ControllerLanguages.Contains(language))
        {
            throw new DomainRuleViolated($"A letter to the controller is written in 'nl' or 'en', not '{language}'.");
        }

        if (!Enum.IsDefined(c.Kind))
        {
            throw new DomainRuleViolated("A request is an erasure request or a delisting request.");
        }

        if (c.Kind == ErasureRequestKind.Delisting && c.Urls.Count == 0)
        {
            throw new DomainRuleViolated("A delisting request must list the search results (URLs) to be removed from searches on the data subject's name.");
        }

        var country = c.ControllerCountry.ToUpperInvariant();
        // An e-mail request keeps the event's earlier shape: no channel, no address, no form.
        return [new ErasureRequestDrafted(c.RequestId, c.CaseId, c.ControllerName, c.ControllerEmail, country, c.PersonalData, c.Urls, c.Now,
            c.ControllerLanguage ?? DefaultControllerLanguage(country), c.Kind, c.DirectoryRecordId, c.DirectoryRecordVersion,
            channel == LetterChannels.Email ? null : channel,
            channel == LetterChannels.Post ? [.. c.ControllerAddress!.Select(l => l.Trim())] : null,
            channel == LetterChannels.WebForm ? c.ControllerWebForm : null)];
    }

    private static object[] RecordSubmission(RecordErasureSubmission c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.ReceivedOn is { } received)
        {
            return received == c.ReceivedOn
                ? []
                : throw new DomainRuleViolated($"The request already reached the controller on {received:yyyy-MM-dd}.");
        }
        if (state.Channel == LetterChannels.Email)
        {
            throw new DomainRuleViolated("This request is sent by e-mail; the service records its sending itself.");
        }
        if (state.Status == ErasureRequestStatus.Drafted)
        {
            throw new DomainRuleViolated("The victim must approve the request before it is sent.");
        }
        if (state.Status != ErasureRequestStatus.Approved)
        {
            throw new DomainRuleViolated($"The request is {Describe(state.Status)}; it cannot be sent.");
        }
        if (c.ReceivedOn > c.Today)
        {
            throw new DomainRuleViolated("The day it reached the organisation cannot be in the future.", DomainRuleViolated.DateInFuture);
        }
        // GDPR Art. 12(3): the month runs from receipt, which cannot come before the text was approved.
        if (c.ReceivedOn < engine.LocalDate(state.ApprovedAt!.Value, state.ControllerCountry))
        {
            throw new DomainRuleViolated("The day it reached the organisation cannot be before the request was approved.");
        }
        return [new ErasureRequestSent(state.Id, c.ReceivedOn, c.Now, state.Channel)];
    }

    private static object[] Approve(ApproveErasureRequest c, ErasureRequest state)
    {
        if (state.ApprovedAt is not null)
        {
            return [];
        }

        return state.Status == ErasureRequestStatus.Drafted
            ? [new ErasureRequestApproved(state.Id, c.Now)]
            : throw new DomainRuleViolated($"The request is {Describe(state.Status)}; it can no longer be approved.");
    }

    private static object[] Send(SendErasureRequest c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.ReceivedOn is { } received)
        {
            return received == c.ReceivedOn
                ? []
                : throw new DomainRuleViolated($"The request was already sent and received on {received:yyyy-MM-dd}; it cannot be sent a second time.");
        }

        if (state.Status == ErasureRequestStatus.Drafted)
        {
            throw new DomainRuleViolated("The victim must approve the request before it is sent.");
        }

        if (state.Status != ErasureRequestStatus.Approved)
        {
            throw new DomainRuleViolated($"The request is {Describe(state.Status)}; it cannot be sent.");
        }

        if (c.ReceivedOn < engine.LocalDate(c.Now, state.ControllerCountry))
        {
            throw new DomainRuleViolated("The date of receipt cannot be before the day the request is sent.");
        }

        return [new ErasureRequestSent(state.Id, c.ReceivedOn, c.Now)];
    }

    private static object[] Acknowledge(AcknowledgeErasureRequest c, ErasureRequest state)
    {
        if (state.Acknowledged)
        {
            return [];
        }

        EnsureAwaitingAnswer(state, "an acknowledgement");
        return [new ErasureRequestAcknowledged(state.Id, c.Now)];
    }

    private static object[] ClaimExtension(ClaimExtension c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.Extended)
        {
            return state.ExtensionReason == c.Reason
                ? []
                : throw new DomainRuleViolated("The controller already claimed the extension; GDPR Art. 12(3) allows only one, of two months.");
        }

        EnsureAwaitingAnswer(state, "an extension");
        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            throw new DomainRuleViolated("An extension needs the controller's reasons for the delay (GDPR Art. 12(3)).");
        }

        // GDPR Art. 12(3): the controller must inform the data subject of the extension within one month of receipt.
        var window = state.ExtensionWindow(engine, engine.LocalDate(c.Now, state.ControllerCountry))!;
        return window.IsExpiredAt(c.Now)
            ? throw new DomainRuleViolated($"An extension must be claimed within the first month; that month ended on {window.DueDate:yyyy-MM-dd}.")
            : [new ExtensionClaimed(state.Id, c.Reason, c.Now)];
    }

    private static object[] RequestIdentityCheck(RequestIdentityCheck c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.IsPaused)
        {
            return [];
        }

        EnsureAwaitingAnswer(state, "an identity check");
        var today = engine.LocalDate(c.Now, state.ControllerCountry);
        var deadline = state.AnswerDeadline(engine, today)!;
        return deadline.IsExpiredAt(c.Now)
            ? throw new DomainRuleViolated($"The answer was due on {deadline.DueDate:yyyy-MM-dd}; an identity check asked for after that does not stop the clock.")
            : [new IdentityCheckRequested(state.Id, c.What, today, c.Now)];
    }

    private static object[] AnswerIdentityCheck(AnswerIdentityCheck c, ErasureRequest state, DeadlineEngine engine)
    {
        if (!state.IsPaused)
        {
            return state.Pauses.Count > 0
                ? []
                : throw new DomainRuleViolated("The controller has not asked for an identity check.");
        }

        return [new IdentityCheckAnswered(state.Id, engine.LocalDate(c.Now, state.ControllerCountry), c.Now)];
    }

    private static object[] Answer(RecordErasureAnswer c, ErasureRequest state)
    {
        if (state.Outcome is { } outcome)
        {
            return outcome == c.Outcome
                ? []
                : throw new DomainRuleViolated($"The controller already answered ({outcome}); record a new request for a new answer.");
        }

        // A late answer still counts: it may come after the deadline was missed or the AP complaint was made.
        return state.Status is ErasureRequestStatus.Sent or ErasureRequestStatus.DeadlineMissed or ErasureRequestStatus.Escalated
            ? [new ErasureRequestAnswered(state.Id, c.Outcome, c.Reasons, c.Now)]
            : throw new DomainRuleViolated($"The request is {Describe(state.Status)}; it cannot be answered.");
    }

    private static object[] MarkMissed(MarkDeadlineMissed c, ErasureRequest state, DeadlineEngine engine)
    {
        if (state.Status == ErasureRequestStatus.DeadlineMissed)
        {
            return [];
        }

        EnsureAwaitingAnswer(state, "marking the deadline missed");
        if (state.IsPaused)
        {
            throw new DomainRuleViolated("The clock is stopped while the controller waits for the identity check answer.");
        }

        var deadline = state.AnswerDeadline(engine)!;
        return deadline.IsExpiredAt(c.Now)
            ? [new DeadlineMissed(state.Id, deadline.DueDate, c.Now)]
            : throw new DomainRuleViolated($"The deadline has not passed yet: the answer is due by the end of {deadline.DueDate:yyyy-MM-dd}.");
    }

    private static object[] Escalate(EscalateErasureRequest c, ErasureRequest state)
    {
        if (state.ApComplaintId is { } complaint)
        {
            return complaint == c.ApComplaintId
                ? []
                : throw new DomainRuleViolated("The request has already been escalated to the AP.");
        }

        var missed = state.Status == ErasureRequestStatus.DeadlineMissed;
        var refused = state.Status == ErasureRequestStatus.Answered && state.Outcome is ErasureOutcome.Refused or ErasureOutcome.PartlyComplied;
        return missed || refused
            ? [new ErasureRequestEscalated(state.Id, c.ApComplaintId, c.Now)]
            : throw new DomainRuleViolated("Only a request whose deadline was missed, or that was refused or partly complied with, can be escalated to the AP (GDPR Art. 77).");
    }

    private static object[] Withdraw(WithdrawErasureRequest c, ErasureRequest state) => state.Status switch
    {
        ErasureRequestStatus.Withdrawn => [],
        ErasureRequestStatus.Closed => throw new DomainRuleViolated("The request is closed; it cannot be withdrawn."),
        _ => [new ErasureRequestWithdrawn(state.Id, c.Reason, c.Now)],
    };

    private static object[] Close(CloseErasureRequest c, ErasureRequest state) => state.Status switch
    {
        ErasureRequestStatus.Closed => [],
        ErasureRequestStatus.Answered or ErasureRequestStatus.DeadlineMissed or ErasureRequestStatus.Escalated or ErasureRequestStatus.Withdrawn
            => [new ErasureRequestClosed(state.Id, c.Now)],
        _ => throw new DomainRuleViolated($"The request is {Describe(state.Status)}; withdraw it or wait for the controller's answer before closing it."),
    };

    private static void EnsureAwaitingAnswer(ErasureRequest state, string action)
    {
        if (state.Status != ErasureRequestStatus.Sent)
        {
            throw new DomainRuleViolated($"The request is {Describe(state.Status)}; {action} is not possible now.");
        }
    }

    private static string Describe(ErasureRequestStatus status) => status switch
    {
        ErasureRequestStatus.Drafted => "still a draft",
        ErasureRequestStatus.Approved => "approved but not sent",
        ErasureRequestStatus.Sent => "sent and awaiting the answer",
        ErasureRequestStatus.Answered => "answered",
        ErasureRequestStatus.DeadlineMissed => "past its deadline",
        ErasureRequestStatus.Escalated => "escalated to the AP",
        ErasureRequestStatus.Withdrawn => "withdrawn",
        ErasureRequestStatus.Closed => "closed",
        _ => "not drafted",
    };
}
