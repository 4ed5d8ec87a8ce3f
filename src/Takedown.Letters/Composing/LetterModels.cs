namespace Takedown.Letters.Composing;

/// <summary>The letters the service writes. Each kind has its own input model.</summary>
public enum LetterKind
{
    ErasureRequest,
    DeadlineReminder,
    ApComplaintDossier,
    CeaseAndDesist,
    VictimNoticeSent,
    VictimNoticeAnswered,
    VictimNoticeDeadlineMissed,
    VictimNoticeReminderWaiting,
    PlatformNotice,
    PlatformComplaint,
    IdentityCheckAnswer,
}

/// <summary>
/// The answer deadline as the deadline engine computed it. The explanation says how (for example "one month after
/// receipt on 3 March 2026, GDPR Art. 12(3)") in both languages; the composer does not compute deadlines itself.
/// </summary>
public sealed record DeadlineText(DateOnly DueDate, string ExplanationNl, string ExplanationEn);

/// <summary>
/// Who the letter is for. <c>Language</c> is "nl" or "en", chosen per recipient.
/// <c>PostalAddress</c> lines are printed in the address block (needed for registered post).
/// </summary>
public sealed record LetterRecipient(string Name, string? Email, IReadOnlyList<string> PostalAddress, string Language);

/// <summary>
/// The service that sends the letter on the victim's behalf. <c>ReplyAddress</c> is the per-request
/// inbound address, so an answer reaches the service (never the victim's own mailbox).
/// </summary>
public sealed record LetterSender(string Name, string ReplyAddress, string? Website = null);

/// <summary>One entry of a request's history, as listed in the AP complaint dossier.</summary>
/// <remarks>On: The day it happened.</remarks>
/// <remarks>Description: What happened ("Erasure request sent by e-mail").</remarks>
/// <remarks>Proof: Evidence, such as the Message-ID, SHA-256 of the text and the SMTP server's reply.</remarks>
public sealed record HistoryLine(DateOnly On, string Description, string? Proof = null);

/// <summary>Fields every letter model has.</summary>
public abstract record LetterModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate)
{
    public abstract LetterKind Kind { get; }
}

/// <summary>GDPR Art. 17 erasure request to a controller.</summary>
/// <remarks>DataSubjectName: The victim's name as it appears in the published data: needed to find it.</remarks>
/// <remarks>DataItems: Exactly the personal data concerned ("home address", "mobile phone number").</remarks>
/// <remarks>Urls: Exactly the locations where the data is published.</remarks>
/// <remarks>
/// Delisting: The controller is a search engine, asked to remove <c>Urls</c> from the results of searches on
/// <c>DataSubjectName</c> (the name as searched); the pages themselves stay. The same letter kind, clock and approval.
/// </remarks>
/// <remarks>
/// RegisteredPost: The victim prints the letter and sends it by registered post (a directory record whose channel is
/// the post): the letter then opens with the "by registered post" line, as the cease-and-desist letter does, so the copy
/// kept as evidence says how it went.
/// </remarks>
public sealed record ErasureLetterModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string DataSubjectName,
    IReadOnlyList<string> DataItems,
    IReadOnlyList<string> Urls,
    DeadlineText Deadline,
    bool Delisting = false,
    bool RegisteredPost = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.ErasureRequest;
}

/// <summary>
/// Reminder to a controller. Before <see cref="DeadlineText.DueDate"/> it reminds; after it, it states the
/// deadline has passed and that a complaint to the AP follows.
/// </summary>
public sealed record DeadlineReminderModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string DataSubjectName,
    IReadOnlyList<string> DataItems,
    IReadOnlyList<string> Urls,
    DateOnly RequestSentOn,
    DateOnly RequestReceivedOn,
    DeadlineText Deadline,
    bool Delisting = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.DeadlineReminder;

    public bool DeadlinePassed => LetterDate > Deadline.DueDate;
}

/// <summary>
/// Complaint to the Autoriteit Persoonsgegevens (GDPR Art. 77) with the request's full history. When the victim has
/// signed the authorisation (machtiging), <c>AuthorisationText</c> holds it, so the service may lodge it for them.
/// <c>ComplainantAddress</c> (postal address lines, then the e-mail address) is given for a complaint by post, where the
/// AP needs the complainant's address; null on the form, where the complainant enters it themselves.
/// <c>Delisting</c>: the request was a delisting request to a search engine, and the dossier says so.
/// </summary>
public sealed record ApComplaintDossierModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string DataSubjectName,
    string ControllerName,
    IReadOnlyList<string> ControllerAddress,
    IReadOnlyList<string> DataItems,
    IReadOnlyList<string> Urls,
    DateOnly RequestReceivedOn,
    DeadlineText Deadline,
    string ComplaintText,
    IReadOnlyList<HistoryLine> History,
    string? AuthorisationText,
    IReadOnlyList<string>? ComplainantAddress = null,
    bool Delisting = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.ApComplaintDossier;
}

/// <summary>
/// Cease-and-desist letter to the harasser, meant for registered post: a dated, provable "stop" is the first step
/// before a police report for stalking (Sr 285b), see docs/letters.md.
/// </summary>
/// <remarks>VictimName: On whose behalf the letter is written; no other data of the victim goes in.</remarks>
/// <remarks>Conduct: The conduct that must stop, as described by the victim.</remarks>
/// <remarks>PublishedUrls: Where the harasser published the victim's data, if anywhere (may be empty).</remarks>
/// <remarks>RemovalDeadline: When published data must be removed; required when there are URLs.</remarks>
public sealed record CeaseAndDesistModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string VictimName,
    IReadOnlyList<string> Conduct,
    IReadOnlyList<string> PublishedUrls,
    DeadlineText? RemovalDeadline) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.CeaseAndDesist;
}

/// <summary>Tells the victim that the erasure request went out and when the answer is due.</summary>
public sealed record VictimNoticeSentModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string ControllerName,
    DateOnly SentOn,
    DeadlineText Deadline) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.VictimNoticeSent;
}

/// <summary>Tells the victim the controller answered, with the operator-confirmed meaning of the answer.</summary>
/// <remarks>AnswerSummaryNl: Short operator summary of the answer in Dutch.</remarks>
/// <remarks>AnswerSummaryEn: The same in English.</remarks>
public sealed record VictimNoticeAnsweredModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string ControllerName,
    DateOnly AnsweredOn,
    string AnswerSummaryNl,
    string AnswerSummaryEn) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.VictimNoticeAnswered;
}

/// <summary>Tells the victim the controller missed the deadline and what happens next.</summary>
public sealed record VictimNoticeDeadlineMissedModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string ControllerName,
    DeadlineText Deadline,
    bool Delisting = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.VictimNoticeDeadlineMissed;
}

/// <summary>Tells the victim that a reminder to the controller waits for their approval before the deadline.</summary>
public sealed record VictimNoticeReminderWaitingModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string ControllerName,
    DeadlineText Deadline) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.VictimNoticeReminderWaiting;
}

/// <summary>
/// A DSA Art. 16 notice to a hosting platform that takes notices by e-mail only: the four elements Art. 16(2)
/// requires, exactly as given, and nothing more (platforms may publish notices).
/// </summary>
/// <remarks>Category: the report's category name (Doxing, Stalking, IntimateImages, Threats).</remarks>
/// <remarks>Explanation: why the content is illegal, Art. 16(2)(a), as the victim approved it.</remarks>
/// <remarks>Urls: the exact locations, Art. 16(2)(b).</remarks>
/// <remarks>NotifierName, NotifierEmail: the notifier, Art. 16(2)(c).</remarks>
/// <remarks>
/// ServiceIsNotifier: the service itself is the notifier (its name and this report's reply address), on behalf of a person
/// it does not name; otherwise the notifier is the victim and the service sends the notice on their behalf.
/// </remarks>
public sealed record PlatformNoticeModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string Category,
    string Explanation,
    IReadOnlyList<string> Urls,
    string NotifierName,
    string NotifierEmail,
    bool ServiceIsNotifier = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.PlatformNotice;
}

/// <summary>
/// An internal complaint (DSA Art. 20) against a platform's refusal, for a platform that takes notices by e-mail only:
/// which notice and decision it contests, and the grounds exactly as the victim (or the partner on their behalf) wrote them.
/// </summary>
/// <remarks>NoticeSentOn: when our notice letter reached the platform; RefusedOn: the date of the decision contested.</remarks>
/// <remarks>ServiceIsNotifier: the notice named the service as notifier, on behalf of a person it does not name.</remarks>
public sealed record PlatformComplaintModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    DateOnly NoticeSentOn,
    DateOnly RefusedOn,
    IReadOnlyList<string> Urls,
    string Grounds,
    string NotifierName,
    bool ServiceIsNotifier = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.PlatformComplaint;
}

/// <summary>
/// The service's answer to a controller that asked to verify the data subject's identity (GDPR Art. 12(6)): it sends
/// the victim's identity document with the BSN, the photo and the address masked (attached to the e-mail, not part of
/// the text), and quotes the victim's signed authorisation (<c>AuthorisationText</c>), so the controller deals with the
/// service and never with the victim directly. <c>QuestionAskedOn</c> is the day the controller asked.
/// </summary>
public sealed record IdentityCheckAnswerModel(
    LetterSender Sender,
    LetterRecipient Recipient,
    string CaseReference,
    DateOnly LetterDate,
    string DataSubjectName,
    DateOnly QuestionAskedOn,
    string AuthorisationText,
    bool Delisting = false) : LetterModel(Sender, Recipient, CaseReference, LetterDate)
{
    public override LetterKind Kind => LetterKind.IdentityCheckAnswer;
}
