using Microsoft.Extensions.Options;
using Takedown.Application.Messaging;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Letters.Replies;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Application.Letters;

/// <summary>
/// Letters from the domain's facts: composes each kind from the case and the request, prepares it as evidence
/// (the exact text and its SHA-256 in a <see cref="LetterPrepared"/> event), and has it sent through the outbox once
/// it may go. The victim approves the text they saw; what is sent is that text.
/// </summary>
public sealed class LetterWorkflow(EventStore.EventStore store, DeadlineEngine engine, IOptions<LetterSettings> settings, TimeProvider time)
{
    private LetterSettings Settings => settings.Value;

    /// <summary>
    /// Composes the erasure request's letter to the controller and appends it as prepared, waiting for the victim's
    /// approval. The deadline it states is computed as if the controller receives it today (sending is immediate).
    /// </summary>
    public async Task<Guid> PrepareErasureLetterAsync(EventSession session, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (request, drafted) = await LoadRequestAsync(session, requestId, cancellationToken);
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        var today = engine.LocalDate(time.GetUtcNow(), request.ControllerCountry);
        var deadline = engine.GdprAnswer(today, false, [], request.ControllerCountry);
        var composed = LetterComposer.Compose(new ErasureLetterModel(
            Sender(requestId), new LetterRecipient(drafted.ControllerName, drafted.ControllerEmail, [], @case.Language), @case.Reference, today,
            @case.VictimName!, drafted.PersonalData, drafted.Urls, Text(deadline)));
        return Prepare(session, @case.Id, requestId, composed, drafted.ControllerName, drafted.ControllerEmail, needsApproval: true);
    }

    /// <summary>
    /// The notice to a platform that takes notices by e-mail only (DSA Art. 16), composed from the report as stored
    /// and appended as prepared, waiting for approval: the letter is the notice, so approving it approves the report.
    /// </summary>
    public async Task<Guid> PreparePlatformNoticeAsync(EventSession session, Guid reportId, string platformEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(platformEmail);
        var report = (await session.Events.FetchStreamAsync(reportId, cancellationToken: cancellationToken))
            .Aggregate(PlatformReport.Initial, (s, e) => PlatformReport.Evolve(s, e.Data));
        if (report.Status == PlatformReportStatus.None)
        {
            throw new Domain.DomainRuleViolated("There is no such platform report.");
        }
        var @case = await LoadCaseAsync(session, report.CaseId, cancellationToken);
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        var composed = LetterComposer.Compose(new PlatformNoticeModel(
            Sender(reportId), new LetterRecipient(report.Platform, platformEmail, [], @case.Language), @case.Reference, today,
            report.Category.ToString(), report.Explanation, report.Urls, report.NotifierName, report.NotifierEmail));
        return Prepare(session, @case.Id, reportId, composed, report.Platform, platformEmail, needsApproval: true);
    }

    /// <summary>
    /// The victim approves the letter whose SHA-256 they were shown: the letter and its request are approved, and the
    /// letter is sent by the worker. <paramref name="outbox"/> must commit with the session (enlisted in it, or a
    /// handler's context outbox when the session runs in the handler's transaction). A platform notice letter also
    /// approves its report, which needs <paramref name="publicationWarningShown"/>: the notice may be published.
    /// </summary>
    public async Task ApproveAsync(
        EventSession session, IMessageOutbox outbox, Guid letterId, string approvedBy, string shownSha256, bool publicationWarningShown,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var (letterEvents, letter) = await session.DecideAsync(letterId, Letter.Initial, Letter.Evolve,
            state => Letter.Decide(new ApproveLetter(letterId, approvedBy, shownSha256, time.GetUtcNow()), state), cancellationToken);
        if (letter.Kind == nameof(LetterKind.ErasureRequest))
        {
            await session.DecideAsync(letter.RequestId, ErasureRequest.Initial, ErasureRequest.Evolve,
                state => ErasureRequest.Decide(new ApproveErasureRequest(letter.RequestId, time.GetUtcNow()), state, engine), cancellationToken);
        }
        else if (letter.Kind == nameof(LetterKind.PlatformNotice))
        {
            await session.DecideAsync(letter.RequestId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
                new ApprovePlatformReport(letter.RequestId, approvedBy, shownSha256, letter.ContentSha256, publicationWarningShown, time.GetUtcNow()),
                state, engine), cancellationToken);
        }
        if (letterEvents.Count > 0)
        {
            outbox.Publish(new SendLetter(letterId));
        }
    }

    /// <summary>A notice to the victim about one of their requests: prepared and sent at once (no approval needed).</summary>
    public async Task<Guid?> PrepareVictimNoticeAsync(EventSession session, IMessageOutbox outbox, Guid requestId, VictimNoticeKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (request, drafted) = await LoadRequestAsync(session, requestId, cancellationToken);
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        if (@case.VictimEmail is null)
        {
            return null;
        }
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        var recipient = new LetterRecipient(@case.VictimName ?? "", @case.VictimEmail, [], @case.Language);
        var deadline = request.AnswerDeadline(engine);
        LetterModel model = kind switch
        {
            VictimNoticeKind.Sent => new VictimNoticeSentModel(Sender(requestId), recipient, @case.Reference, today, drafted.ControllerName,
                request.ReceivedOn ?? today, Text(deadline!)),
            VictimNoticeKind.DeadlineMissed => new VictimNoticeDeadlineMissedModel(Sender(requestId), recipient, @case.Reference, today,
                drafted.ControllerName, Text(deadline!)),
            _ => new VictimNoticeAnsweredModel(Sender(requestId), recipient, @case.Reference, today, drafted.ControllerName, today,
                "De verwerkingsverantwoordelijke heeft geantwoord; u vindt het antwoord in het portaal.",
                "The controller has answered; you will find the answer in the portal."),
        };
        var letterId = Prepare(session, @case.Id, requestId, LetterComposer.Compose(model), @case.VictimName ?? "", @case.VictimEmail, needsApproval: false);
        outbox.Publish(new SendLetter(letterId));
        return letterId;
    }

    /// <summary>The AP complaint's dossier: the complaint, the request's full history and the proof of sending, to the AP.</summary>
    public async Task<Guid> PrepareApDossierAsync(EventSession session, IMessageOutbox outbox, Guid complaintId, string? authorisationText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var complaint = (await session.Events.FetchStreamAsync(complaintId, cancellationToken: cancellationToken))
            .Aggregate(ApComplaint.Initial, (s, e) => ApComplaint.Evolve(s, e.Data));
        var (request, drafted) = await LoadRequestAsync(session, complaint.ErasureRequestId, cancellationToken);
        var @case = await LoadCaseAsync(session, complaint.CaseId, cancellationToken);
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        var history = (await session.Events.FetchStreamAsync(request.Id, cancellationToken: cancellationToken))
            .Select(e => new HistoryLine(engine.LocalDate(e.Timestamp, DeadlineEngine.VictimCountry), e.EventType, null))
            .Concat(complaint.Evidence.Select(line => new HistoryLine(today, line)))
            .ToList();
        var composed = LetterComposer.Compose(new ApComplaintDossierModel(
            Sender(request.Id), new LetterRecipient("Autoriteit Persoonsgegevens", Settings.ApComplaintEmail, [], "nl"), @case.Reference, today,
            @case.VictimName!, drafted.ControllerName, [drafted.ControllerEmail], drafted.PersonalData, drafted.Urls,
            request.ReceivedOn ?? today, Text(request.AnswerDeadline(engine)!), complaint.Text, history, authorisationText));
        var letterId = Prepare(session, @case.Id, complaintId, composed, "Autoriteit Persoonsgegevens", Settings.ApComplaintEmail, needsApproval: false);
        outbox.Publish(new SendLetter(letterId));
        return letterId;
    }

    /// <summary>The text of a prepared letter, or null.</summary>
    public async Task<LetterPrepared?> LoadAsync(Guid letterId, CancellationToken cancellationToken) =>
        (await store.FetchStreamAsync(letterId, cancellationToken: cancellationToken)).Select(e => e.Data).OfType<LetterPrepared>().FirstOrDefault();

    /// <summary>The letter as a PDF for print and registered post.</summary>
    public static byte[] RenderPdf(LetterPrepared letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return LetterPdf.Render(Composed(letter));
    }

    public static ComposedLetter Composed(LetterPrepared letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return new ComposedLetter(Enum.Parse<LetterKind>(letter.Kind), letter.Language, letter.Subject, letter.PlainText, letter.Html, letter.ContentSha256);
    }

    /// <summary>The reply address of a request: replies are matched to it by this token, not by the sender.</summary>
    public string ReplyAddressFor(Guid requestId) => ReplyAddress.For(requestId, Settings.ReplySecret, Settings.ReplyDomain);

    private LetterSender Sender(Guid requestId) => new(Settings.SenderName, ReplyAddressFor(requestId), Settings.Website);

    private Guid Prepare(EventSession session, Guid caseId, Guid requestId, ComposedLetter composed, string recipientName, string recipientEmail, bool needsApproval)
    {
        var letterId = Guid.CreateVersion7(time.GetUtcNow());
        var events = Letter.Decide(new PrepareLetter(
            letterId, caseId, requestId, composed.Kind.ToString(), composed.Language, recipientName, recipientEmail, composed.Subject,
            composed.PlainText, composed.Html, composed.ContentSha256, needsApproval, time.GetUtcNow()), Letter.Initial);
        session.Events.StartStream(letterId, events);
        return letterId;
    }

    private static async Task<(ErasureRequest Request, ErasureRequestDrafted Drafted)> LoadRequestAsync(
        EventSession session, Guid requestId, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(requestId, cancellationToken: cancellationToken);
        var drafted = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().FirstOrDefault()
            ?? throw new Domain.DomainRuleViolated("There is no such erasure request.");
        return (events.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data)), drafted);
    }

    private static async Task<Case> LoadCaseAsync(EventSession session, Guid caseId, CancellationToken cancellationToken)
    {
        var @case = (await session.Events.FetchStreamAsync(caseId, cancellationToken: cancellationToken))
            .Aggregate(Case.Initial, (s, e) => Case.Evolve(s, e.Data));
        return @case.VictimName is null
            ? throw new Domain.DomainRuleViolated("The victim's name is needed for the letter: record the victim's details on the case first.")
            : @case;
    }

    private static DeadlineText Text(Deadline deadline) => new(deadline.DueDate, deadline.Explanation.Nl, deadline.Explanation.En);
}
