using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.Application.Messaging;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.ControllerDirectory;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Letters.Replies;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Application.Letters;

/// <summary>
/// What a victim asks to go in a cease-and-desist letter (the page checked the fields): the harasser's name and postal
/// address, the conduct that must stop (already in the letter's language), where the harasser published the victim's
/// data (may be empty) and the letter's language, "nl" or "en" (the harasser's, not necessarily the victim's).
/// </summary>
public sealed record CeaseAndDesistInput(
    string RecipientName, IReadOnlyList<string> PostalAddress, IReadOnlyList<string> Conduct, IReadOnlyList<string> PublishedUrls, string Language);

/// <summary>
/// Letters from the domain's facts: composes each kind from the case and the request, prepares it as evidence
/// (the exact text and its SHA-256 in a <see cref="LetterPrepared"/> event), and has it sent through the outbox once
/// it may go. The victim approves the text they saw; what is sent is that text. Letters to a controller are in the
/// request's controller language; notices to the victim in the case's language; the AP dossier in Dutch.
/// </summary>
public sealed class LetterWorkflow(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, DeadlineEngine engine, IOptions<LetterSettings> settings, TimeProvider time)
{
    /// <summary>The AP works in Dutch; its dossier is written in Dutch.</summary>
    public const string DossierLanguage = "nl";

    public const string ApName = "Autoriteit Persoonsgegevens";

    private LetterSettings Settings => settings.Value;

    /// <summary>
    /// Composes the erasure request's letter to the controller (to a search engine, the delisting letter) and appends it as prepared, waiting for the victim's
    /// approval. The deadline it states is computed as if the controller receives it today (sending is immediate).
    /// </summary>
    public async Task<Guid> PrepareErasureLetterAsync(IDocumentSession session, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (request, drafted, _) = await LoadRequestAsync(session, requestId, cancellationToken);
        return await PrepareErasureLetterAsync(session, request, drafted, cancellationToken);
    }

    /// <summary>
    /// The erasure letter of a request drafted in this same session (not saved yet): composed from the decided state and
    /// its drafted event, so the request and its letter go to the database in one batch.
    /// </summary>
    public async Task<Guid> PrepareErasureLetterAsync(
        IDocumentSession session, ErasureRequest request, ErasureRequestDrafted drafted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(drafted);
        var requestId = request.Id;
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        var today = engine.LocalDate(time.GetUtcNow(), request.ControllerCountry);
        var deadline = engine.GdprAnswer(today, false, [], request.ControllerCountry);
        // A request by post is a letter for registered post, with the controller's address block; one on a web form is
        // the text the victim pastes there. Neither is e-mailed by the service.
        var composed = LetterComposer.Compose(new ErasureLetterModel(
            Sender(requestId), new LetterRecipient(drafted.ControllerName, drafted.ControllerEmail, drafted.ControllerAddress ?? [], request.ControllerLanguage), @case.Reference, today,
            @case.VictimName!, drafted.PersonalData, drafted.Urls, Text(deadline), Delisting: request.Kind == ErasureRequestKind.Delisting,
            RegisteredPost: request.Channel == LetterChannels.Post));
        return Prepare(session, NewId(), @case.Id, requestId, composed, drafted.ControllerName, drafted.ControllerEmail, needsApproval: true,
            channel: request.Channel, replyAddress: ReplyAddressFor(requestId), postalAddress: drafted.ControllerAddress);
    }

    /// <summary>
    /// Before the deadline: a reminder to the controller, prepared for the victim's approval, and a notice to the victim
    /// that it waits. Nothing when a reminder would be pointless (answered, withdrawn, paused, too late: see
    /// <see cref="ErasureRequest.WhyNoReminder"/>) or one was already prepared for this deadline. Returns the reminder's id.
    /// </summary>
    public async Task<Guid?> PrepareReminderAsync(IDocumentSession session, IMessageOutbox outbox, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var now = time.GetUtcNow();
        var (request, drafted, events) = await LoadRequestAsync(session, requestId, cancellationToken);
        if (request.WhyNoReminder(engine, now) is not null)
        {
            return null;
        }
        var today = engine.LocalDate(now, request.ControllerCountry);
        var deadline = request.AnswerDeadline(engine, today)!;
        var letterId = ErasureRequest.ReminderIdFor(requestId, deadline.DueDate);
        if ((await session.Events.FetchStreamAsync(letterId, token: cancellationToken)).Count > 0)
        {
            return null;
        }
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        var sent = events.Select(e => e.Data).OfType<ErasureRequestSent>().Last();
        var composed = LetterComposer.Compose(new DeadlineReminderModel(
            Sender(requestId), new LetterRecipient(drafted.ControllerName, drafted.ControllerEmail, [], request.ControllerLanguage), @case.Reference, today,
            @case.VictimName!, drafted.PersonalData, drafted.Urls, engine.LocalDate(sent.SentAt, request.ControllerCountry), request.ReceivedOn!.Value,
            Text(deadline), Delisting: request.Kind == ErasureRequestKind.Delisting));
        Prepare(session, letterId, @case.Id, requestId, composed, drafted.ControllerName, drafted.ControllerEmail, needsApproval: true,
            replyAddress: ReplyAddressFor(requestId));
        outbox.Publish(new NotifyVictim(requestId, VictimNoticeKind.ReminderWaiting));
        return letterId;
    }

    /// <summary>
    /// The notice to a platform that takes notices by e-mail only (DSA Art. 16), composed from the report as stored
    /// and appended as prepared, waiting for approval: the letter is the notice, so approving it approves the report.
    /// </summary>
    public async Task<Guid> PreparePlatformNoticeAsync(IDocumentSession session, Guid reportId, string platformEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(platformEmail);
        var report = (await session.Events.FetchStreamAsync(reportId, token: cancellationToken))
            .Aggregate(PlatformReport.Initial, (s, e) => PlatformReport.Evolve(s, e.Data));
        if (report.Status == PlatformReportStatus.None)
        {
            throw new Domain.DomainRuleViolated("There is no such platform report.");
        }
        var @case = await LoadCaseAsync(session, report.CaseId, cancellationToken);
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        var composed = LetterComposer.Compose(new PlatformNoticeModel(
            Sender(reportId), new LetterRecipient(report.Platform, platformEmail, [], @case.Language), @case.Reference, today,
            report.Category.ToString(), report.Explanation, report.Urls, report.NotifierName, report.NotifierEmail,
            ServiceIsNotifier: report.Notifier == NotifierKind.Service));
        return Prepare(session, NewId(), @case.Id, reportId, composed, report.Platform, platformEmail, needsApproval: true);
    }

    /// <summary>
    /// The internal complaint (DSA Art. 20) letter against a refusal by a platform that takes notices by e-mail only,
    /// exactly as it would be made now, for the victim to read before it goes. Loads the report and the case from
    /// <paramref name="session"/>, so a caller inside a transaction sees its own writes.
    /// </summary>
    public async Task<ComposedLetter> ComposePlatformComplaintAsync(IDocumentSession session, Guid reportId, string grounds, string platformEmail, CancellationToken cancellationToken) =>
        (await ComplaintAsync(session, reportId, grounds, platformEmail, cancellationToken)).Composed;

    private async Task<(PlatformReport Report, ComposedLetter Composed)> ComplaintAsync(
        IDocumentSession session, Guid reportId, string grounds, string platformEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var report = (await session.Events.FetchStreamAsync(reportId, token: cancellationToken))
            .Aggregate(PlatformReport.Initial, (s, e) => PlatformReport.Evolve(s, e.Data));
        if (report.FiledAt is not { } filed || report.RefusedAt is not { } refused)
        {
            throw new Domain.DomainRuleViolated("An internal complaint (DSA Art. 20) can only be lodged after the platform refused to act.");
        }
        var @case = await LoadCaseAsync(session, report.CaseId, cancellationToken);
        return (report, LetterComposer.Compose(new PlatformComplaintModel(
            Sender(reportId), new LetterRecipient(report.Platform, platformEmail, [], @case.Language), @case.Reference,
            engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry), engine.LocalDate(filed, DeadlineEngine.VictimCountry),
            engine.LocalDate(refused, DeadlineEngine.VictimCountry), report.Urls, grounds, report.NotifierName,
            ServiceIsNotifier: report.Notifier == NotifierKind.Service)));
    }

    /// <summary>
    /// Makes the internal complaint letter, approved by <paramref name="approvedBy"/> who lodged it, and has the worker
    /// send it. With <paramref name="shownSha256"/> (the portal: the victim read it first) a text other than the one
    /// shown is refused. Returns the letter's id.
    /// </summary>
    public async Task<Guid> PreparePlatformComplaintAsync(
        IDocumentSession session, IMessageOutbox outbox, Guid reportId, string grounds, string platformEmail, string approvedBy, string? shownSha256,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var (report, composed) = await ComplaintAsync(session, reportId, grounds, platformEmail, cancellationToken);
        if (shownSha256 is not null && shownSha256 != composed.ContentSha256)
        {
            throw new Domain.DomainRuleViolated("The letter's text is not the one shown for approval; reload it and approve again.", Domain.DomainRuleViolated.TextChanged);
        }
        var letterId = NewId();
        var now = time.GetUtcNow();
        var prepared = Letter.Decide(new PrepareLetter(
            letterId, report.CaseId, reportId, composed.Kind.ToString(), composed.Language, report.Platform, platformEmail, composed.Subject,
            composed.PlainText, composed.Html, composed.ContentSha256, true, now), Letter.Initial);
        var approved = Letter.Decide(new ApproveLetter(letterId, approvedBy, composed.ContentSha256, now), prepared.Aggregate(Letter.Initial, Letter.Evolve));
        session.Events.StartStream(letterId, [.. prepared, .. approved]);
        outbox.Publish(new SendLetter(letterId));
        return letterId;
    }

    /// <summary>
    /// The victim approves the letter whose SHA-256 they were shown: the letter (and, for the erasure letter, its
    /// request) is approved, and an e-mail letter is sent by the worker. A reminder is refused once it no longer fits:
    /// the request was answered or withdrawn, its deadline passed or moved. A platform notice letter also approves its
    /// report, which needs <paramref name="publicationWarningShown"/>: the notice may be published. <paramref name="outbox"/>
    /// must commit with the session (enlisted in it, or a handler's context outbox when the session runs in the
    /// handler's transaction).
    /// </summary>
    public async Task ApproveAsync(
        IDocumentSession session, IMessageOutbox outbox, Guid letterId, string approvedBy, string shownSha256, bool publicationWarningShown,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var now = time.GetUtcNow();
        var current = (await session.Events.FetchStreamAsync(letterId, token: cancellationToken))
            .Aggregate(Letter.Initial, (s, e) => Letter.Evolve(s, e.Data));
        if (current.Kind == nameof(LetterKind.DeadlineReminder) && current.Status == LetterStatus.Prepared)
        {
            var (request, _, _) = await LoadRequestAsync(session, current.RequestId, cancellationToken);
            if (request.WhyNoReminder(engine, now) is { } reason)
            {
                throw new Domain.DomainRuleViolated(reason);
            }
            // The reminder states a due date: once the deadline moved (an extension, an identity check) it is wrong.
            if (ErasureRequest.ReminderIdFor(request.Id, request.AnswerDeadline(engine, engine.LocalDate(now, request.ControllerCountry))!.DueDate) != letterId)
            {
                throw new Domain.DomainRuleViolated("The deadline has moved since this reminder was written; a new reminder will be prepared before the new deadline.");
            }
        }
        var (letterEvents, letter) = await session.DecideAsync(letterId, Letter.Initial, Letter.Evolve,
            state => Letter.Decide(new ApproveLetter(letterId, approvedBy, shownSha256, now), state), cancellationToken);
        if (letter.Kind == nameof(LetterKind.ErasureRequest))
        {
            await session.DecideAsync(letter.RequestId, ErasureRequest.Initial, ErasureRequest.Evolve,
                state => ErasureRequest.Decide(new ApproveErasureRequest(letter.RequestId, now), state, engine), cancellationToken);
        }
        else if (letter.Kind == nameof(LetterKind.PlatformNotice))
        {
            await session.DecideAsync(letter.RequestId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
                new ApprovePlatformReport(letter.RequestId, approvedBy, shownSha256, letter.ContentSha256, publicationWarningShown, now),
                state, engine), cancellationToken);
        }
        if (letterEvents.Count > 0 && letter.MaySend)
        {
            outbox.Publish(new SendLetter(letterId));
        }
    }

    /// <summary>A notice to the victim about one of their requests: prepared and sent at once (no approval needed).</summary>
    public async Task<Guid?> PrepareVictimNoticeAsync(IDocumentSession session, IMessageOutbox outbox, Guid requestId, VictimNoticeKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var (request, drafted, events) = await LoadRequestAsync(session, requestId, cancellationToken);
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        if (@case.VictimEmail is null)
        {
            return null;
        }
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        var recipient = new LetterRecipient(@case.VictimName ?? "", @case.VictimEmail, [], @case.Language);
        var deadline = request.AnswerDeadline(engine, today);
        var controller = drafted.ControllerName;
        LetterModel model = kind switch
        {
            VictimNoticeKind.Sent => new VictimNoticeSentModel(Sender(requestId), recipient, @case.Reference, today, controller,
                request.ReceivedOn ?? today, Text(deadline!)),
            VictimNoticeKind.DeadlineMissed => new VictimNoticeDeadlineMissedModel(Sender(requestId), recipient, @case.Reference, today,
                controller, Text(deadline!), Delisting: request.Kind == ErasureRequestKind.Delisting),
            VictimNoticeKind.ReminderWaiting => new VictimNoticeReminderWaitingModel(Sender(requestId), recipient, @case.Reference, today,
                controller, Text(deadline!)),
            _ => Answered(events.Select(e => e.Data).OfType<ErasureRequestAnswered>().LastOrDefault()
                ?? throw new Domain.DomainRuleViolated("The request has not been answered.")),
        };
        var letterId = Prepare(session, NewId(), @case.Id, requestId, LetterComposer.Compose(model), @case.VictimName ?? "", @case.VictimEmail,
            needsApproval: false, replyAddress: ReplyAddressFor(requestId));
        outbox.Publish(new SendLetter(letterId));
        return letterId;

        // The outcome an operator confirmed, in words for the victim: no reasons, which may quote the data itself.
        VictimNoticeAnsweredModel Answered(ErasureRequestAnswered answer) => new(
            Sender(requestId), recipient, @case.Reference, today, controller, engine.LocalDate(answer.AnsweredAt, DeadlineEngine.VictimCountry),
            answer.Outcome switch
            {
                ErasureOutcome.Complied => $"{controller} laat weten dat de gegevens zijn gewist.",
                ErasureOutcome.PartlyComplied => $"{controller} heeft uw verzoek gedeeltelijk ingewilligd: niet alle gegevens zijn gewist. U kunt daarover een klacht indienen bij de Autoriteit Persoonsgegevens (artikel 77 AVG) of naar de rechter gaan (artikel 79 AVG en artikel 35 Uitvoeringswet AVG). Laat ons weten als u dat wilt.",
                _ => $"{controller} weigert de gegevens te wissen. U kunt daarover een klacht indienen bij de Autoriteit Persoonsgegevens (artikel 77 AVG) of naar de rechter gaan (artikel 79 AVG en artikel 35 Uitvoeringswet AVG). Laat ons weten als u dat wilt.",
            },
            answer.Outcome switch
            {
                ErasureOutcome.Complied => $"{controller} says the data has been erased.",
                ErasureOutcome.PartlyComplied => $"{controller} partly complied with your request: not all of the data has been erased. You may lodge a complaint about this with the Autoriteit Persoonsgegevens, the Dutch data protection authority (Article 77 GDPR), or go to court (Article 79 GDPR and Article 35 of the Dutch GDPR Implementation Act). Let us know if you want to.",
                _ => $"{controller} refuses to erase the data. You may lodge a complaint about this with the Autoriteit Persoonsgegevens, the Dutch data protection authority (Article 77 GDPR), or go to court (Article 79 GDPR and Article 35 of the Dutch GDPR Implementation Act). Let us know if you want to.",
            });
    }

    /// <summary>
    /// The AP complaint's dossier: the complaint (with the victim's request to shield their address when they chose it),
    /// the request's full history with the proof of sending, and the victim's signed authorisation when the case has
    /// one. It is kept as a letter (the full copy, as evidence) and recorded on the complaint; it is never e-mailed, as
    /// the AP takes complaints through its form or by post. With <paramref name="complainantAddress"/> (the victim's
    /// postal address, which the AP needs on a complaint by letter) it is a letter for the post to the AP's postal
    /// address; with null it is the copy of what is entered on the AP's complaint form. Returns the dossier's letter id.
    /// </summary>
    public async Task<Guid> PrepareApDossierAsync(
        IDocumentSession session, Guid complaintId, IReadOnlyList<string>? complainantAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var byPost = complainantAddress is not null;
        var complaint = (await session.Events.FetchStreamAsync(complaintId, token: cancellationToken))
            .Aggregate(ApComplaint.Initial, (s, e) => ApComplaint.Evolve(s, e.Data));
        if (complaint.Status == ApComplaintStatus.None)
        {
            throw new Domain.DomainRuleViolated("There is no AP complaint yet; prepare it first.");
        }
        if (byPost && (complainantAddress!.Count == 0 || complainantAddress.Any(string.IsNullOrWhiteSpace)))
        {
            throw new Domain.DomainRuleViolated("A complaint by post needs the complainant's postal address.");
        }
        var (request, drafted, requestEvents) = await LoadRequestAsync(session, complaint.ErasureRequestId, cancellationToken);
        var @case = await LoadCaseAsync(session, complaint.CaseId, cancellationToken);
        var now = time.GetUtcNow();
        var today = engine.LocalDate(now, DeadlineEngine.VictimCountry);
        var letters = new List<IReadOnlyList<IEvent>>();
        foreach (var id in await LetterIdsOfAsync(request.Id, cancellationToken))
        {
            letters.Add(await session.Events.FetchStreamAsync(id, token: cancellationToken));
        }
        var history = DossierHistory.Lines(requestEvents, letters, DossierLanguage, engine);
        var authorisation = @case.Authorisation is { } granted
            ? AuthorisationText.AsSigned(granted.Text, granted.TextSha256, granted.SignedName,
                TimeZoneInfo.ConvertTime(granted.GrantedAt, engine.Calendars.For(DeadlineEngine.VictimCountry).TimeZone), Settings.SenderName, DossierLanguage)
            : null;
        // The AP's address as the directory has it (record nlap), as the pages that say where to lodge show it.
        IReadOnlyList<string>? apAddress = null;
        if (byPost)
        {
            using var directory = new DirectoryRecords(dataSource, options, time);
            apAddress = (await directory.ApContactAsync(cancellationToken)).PostalAddress;
        }
        var composed = LetterComposer.Compose(new ApComplaintDossierModel(
            Sender(request.Id), new LetterRecipient(ApName, null, apAddress ?? [], DossierLanguage), @case.Reference, today,
            @case.VictimName!, drafted.ControllerName, [drafted.ControllerEmail], drafted.PersonalData, drafted.Urls,
            request.ReceivedOn ?? today, Text(request.AnswerDeadline(engine, today)!), complaint.TextForAp, history, authorisation,
            byPost ? [.. complainantAddress!.Select(l => l.Trim()), .. (@case.VictimEmail is { } email ? new[] { email } : [])] : null,
            Delisting: request.Kind == ErasureRequestKind.Delisting));
        var letterId = Prepare(session, NewId(), @case.Id, complaintId, composed, ApName, "", needsApproval: false,
            channel: byPost ? LetterChannels.Post : LetterChannels.WebForm, replyAddress: ReplyAddressFor(request.Id),
            postalAddress: apAddress);
        await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, state => ApComplaint.Decide(
            new RecordApDossier(complaintId, letterId, composed.ContentSha256, @case.Authorisation?.TextSha256, now), state), cancellationToken);
        return letterId;
    }

    /// <summary>
    /// The answer to a controller's identity question (GDPR Art. 12(6)) on a request paused for it: a letter to the
    /// controller quoting the victim's signed authorisation, with the victim's masked identity document attached, prepared
    /// and approved by the victim (<paramref name="approvedBy"/>) in one go, as they chose the file and confirmed the
    /// masking; the worker sends it, only ever to the controller's address on the request, and the clock runs again from
    /// the day it was sent (<see cref="SendLetterHandler"/>). Returns the letter's id.
    /// </summary>
    public async Task<Guid> PrepareIdentityAnswerAsync(
        IDocumentSession session, IMessageOutbox outbox, Guid requestId, string fileName, string contentType, byte[] content, string approvedBy,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var (request, drafted, events) = await LoadRequestAsync(session, requestId, cancellationToken);
        if (!request.IsPaused || request.Status != ErasureRequestStatus.Sent)
        {
            throw new Domain.DomainRuleViolated("The organisation has no open question about the victim's identity on this request.");
        }
        var @case = await LoadCaseAsync(session, request.CaseId, cancellationToken);
        if (@case.Authorisation is not { } granted)
        {
            throw new Domain.DomainRuleViolated("The victim's authorisation is needed to answer for them; ask them to sign it first.");
        }
        var now = time.GetUtcNow();
        var asked = events.Select(e => e.Data).OfType<IdentityCheckRequested>().Last();
        var language = request.ControllerLanguage;
        var authorisation = AuthorisationText.AsSigned(granted.Text, granted.TextSha256, granted.SignedName,
            TimeZoneInfo.ConvertTime(granted.GrantedAt, engine.Calendars.For(DeadlineEngine.VictimCountry).TimeZone), Settings.SenderName, language);
        var composed = LetterComposer.Compose(new IdentityCheckAnswerModel(
            Sender(requestId), new LetterRecipient(drafted.ControllerName, drafted.ControllerEmail, [], language), @case.Reference,
            engine.LocalDate(now, request.ControllerCountry), @case.VictimName!, asked.PausedOn, authorisation,
            Delisting: request.Kind == ErasureRequestKind.Delisting));
        var letterId = NewId();
        var prepared = Letter.Decide(new PrepareLetter(
            letterId, @case.Id, requestId, composed.Kind.ToString(), composed.Language, drafted.ControllerName, drafted.ControllerEmail, composed.Subject,
            composed.PlainText, composed.Html, composed.ContentSha256, true, now, null, LetterChannels.Email, ReplyAddressFor(requestId)), Letter.Initial);
        var state = prepared.Aggregate(Letter.Initial, Letter.Evolve);
        var attached = Letter.Decide(new AddLetterAttachment(letterId, fileName, contentType, content, now), state);
        var approved = Letter.Decide(new ApproveLetter(letterId, approvedBy, composed.ContentSha256, now), attached.Aggregate(state, Letter.Evolve));
        session.Events.StartStream(letterId, [.. prepared, .. attached, .. approved]);
        outbox.Publish(new SendLetter(letterId));
        return letterId;
    }

    /// <summary>
    /// The authorisation text the victim of <paramref name="caseId"/> is asked to sign: Dutch for the AP, with the
    /// English translation beside it when the case is in English.
    /// </summary>
    public async Task<(string Text, string Sha256)> AuthorisationTextAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        if (@case.VictimName is null)
        {
            throw new Domain.DomainRuleViolated("The victim's name is needed for the authorisation: record the victim's details on the case first.");
        }
        var text = AuthorisationText.For(@case.VictimName, Settings.SenderName, @case.Reference, withEnglish: @case.Language == "en");
        return (text, Case.AuthorisationSha256(text));
    }

    /// <summary>
    /// The cease-and-desist letter as it would be today, to show before it is made. The removal date (when URLs are
    /// given) comes from the deadline engine, counted from the letter's date.
    /// </summary>
    public async Task<ComposedLetter> ComposeCeaseAndDesistAsync(Guid caseId, CeaseAndDesistInput input, CancellationToken cancellationToken)
    {
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        return ComposeCeaseAndDesist(@case, input);
    }

    /// <summary>
    /// Makes the cease-and-desist letter the victim was shown (by its SHA-256) a letter record for registered post: the
    /// exact text and its hash, prepared and approved by the victim, never e-mailed. Returns the letter's id.
    /// </summary>
    public async Task<Guid> PrepareCeaseAndDesistAsync(
        IDocumentSession session, Guid caseId, CeaseAndDesistInput input, string shownSha256, string approvedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(input);
        var @case = (await session.Events.FetchStreamAsync(caseId, token: cancellationToken)).Aggregate(Case.Initial, (s, e) => Case.Evolve(s, e.Data));
        if (!@case.IsOpen)
        {
            throw new Domain.DomainRuleViolated("The case is not open, so no letter can be made on it.");
        }
        var composed = ComposeCeaseAndDesist(@case, input);
        if (composed.ContentSha256 != shownSha256)
        {
            throw new Domain.DomainRuleViolated("The letter's text is not the one shown; read it again and confirm it then.", Domain.DomainRuleViolated.TextChanged);
        }
        var letterId = NewId();
        var prepared = Letter.Decide(new PrepareLetter(
            letterId, caseId, Guid.Empty, composed.Kind.ToString(), composed.Language, input.RecipientName, "", composed.Subject, composed.PlainText,
            composed.Html, composed.ContentSha256, true, time.GetUtcNow(), input.PostalAddress, LetterChannels.Post, ReplyAddressFor(caseId)), Letter.Initial);
        var approved = Letter.Decide(new ApproveLetter(letterId, approvedBy, shownSha256, time.GetUtcNow()), prepared.Aggregate(Letter.Initial, Letter.Evolve));
        session.Events.StartStream(letterId, [.. prepared, .. approved]);
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

    /// <summary>
    /// The reply address of a request (or, for a letter on the case itself, of the case): replies are matched to it by
    /// this token, not by the sender.
    /// </summary>
    /// <summary>The service's own name, as it signs its letters (the configured sender name).</summary>
    public string ServiceName => Settings.SenderName;

    public string ReplyAddressFor(Guid requestId) => ReplyAddress.For(requestId, Settings.ReplySecret, Settings.ReplyDomain);

    private ComposedLetter ComposeCeaseAndDesist(Case @case, CeaseAndDesistInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (@case.VictimName is null)
        {
            throw new Domain.DomainRuleViolated("The victim's name is needed for the letter: record the victim's details on the case first.");
        }
        var today = engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);
        return LetterComposer.Compose(new CeaseAndDesistModel(
            new LetterSender(Settings.SenderName, ReplyAddressFor(@case.Id), Settings.Website),
            new LetterRecipient(input.RecipientName, null, input.PostalAddress, input.Language), @case.Reference, today, @case.VictimName,
            input.Conduct, input.PublishedUrls, input.PublishedUrls.Count > 0 ? Text(engine.RemovalDemand(today)) : null));
    }

    private LetterSender Sender(Guid requestId) => new(Settings.SenderName, ReplyAddressFor(requestId), Settings.Website);

    private Guid NewId() => Guid.CreateVersion7(time.GetUtcNow());

    private Guid Prepare(
        IDocumentSession session, Guid letterId, Guid caseId, Guid requestId, ComposedLetter composed, string recipientName, string recipientEmail,
        bool needsApproval, string channel = LetterChannels.Email, string? replyAddress = null, IReadOnlyList<string>? postalAddress = null)
    {
        var events = Letter.Decide(new PrepareLetter(
            letterId, caseId, requestId, composed.Kind.ToString(), composed.Language, recipientName, recipientEmail, composed.Subject,
            composed.PlainText, composed.Html, composed.ContentSha256, needsApproval, time.GetUtcNow(), postalAddress, channel, replyAddress), Letter.Initial);
        session.Events.StartStream(letterId, events);
        return letterId;
    }

    /// <summary>The letters of a request, from the letter overview (committed letters; a dossier is made after them).</summary>
    private async Task<IReadOnlyList<Guid>> LetterIdsOfAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT id FROM {options.Schema}.letter_overview WHERE request_id = $1 ORDER BY prepared_at, id");
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    private static async Task<(ErasureRequest Request, ErasureRequestDrafted Drafted, IReadOnlyList<IEvent> Events)> LoadRequestAsync(
        IDocumentSession session, Guid requestId, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(requestId, token: cancellationToken);
        var drafted = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().FirstOrDefault()
            ?? throw new Domain.DomainRuleViolated("There is no such erasure request.");
        return (events.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data)), drafted, events);
    }

    private static async Task<Case> LoadCaseAsync(IDocumentSession session, Guid caseId, CancellationToken cancellationToken)
    {
        var @case = (await session.Events.FetchStreamAsync(caseId, token: cancellationToken))
            .Aggregate(Case.Initial, (s, e) => Case.Evolve(s, e.Data));
        return @case.VictimName is null
            ? throw new Domain.DomainRuleViolated("The victim's name is needed for the letter: record the victim's details on the case first.")
            : @case;
    }

    private static DeadlineText Text(Deadline deadline) => new(deadline.DueDate, deadline.Explanation.Nl, deadline.Explanation.En);
}
