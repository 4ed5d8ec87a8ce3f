using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Application.ErasureRequests;
using Takedown.Application.Letters;
using Takedown.Application.PlatformReports;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;
using Takedown.Messaging;

using Wolverine.Marten;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The case's requests on a timeline, with the clock's turns, reminders waiting for approval and the case's letters.
/// After a platform's refusal, while the DSA Art. 20 window is open, the victim can
/// object here (an internal complaint), which the worker files with the platform, or sends as a letter to a platform
/// that takes notices by e-mail only.
/// </summary>
public sealed class CaseDetailModel(
    PortalCases cases, PortalLetters letters, IDocumentStore store, PlatformNotices notices, DeadlineEngine engine, MessageOutbox outbox, IMartenOutbox deadlines,
    PortalText text, TimeProvider time, Microsoft.Extensions.Options.IOptions<LetterSettings> letterSettings)
    : VictimPageModel
{
    /// <summary>
    /// Approved erasure requests the victim sends themselves (by registered post, or on the controller's web form) and
    /// has not yet said were received: the page shows how, and asks for the day it reached the organisation.
    /// </summary>
    public Dictionary<Guid, ErasureRequestDrafted> SelfSent { get; } = [];

    /// <summary>The victim's refusal to record the day of receipt, by request.</summary>
    public Dictionary<Guid, string> SubmissionErrors { get; } = [];

    /// <summary>The victim sent the request (posted, or submitted on the form) and says on which day it reached the organisation: its month runs from then.</summary>
    public async Task<IActionResult> OnPostSubmittedAsync(Guid caseId, Guid requestId, DateOnly? receivedOn, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, cancellationToken) || !SelfSent.ContainsKey(requestId))
        {
            return NotFound();
        }
        if (receivedOn is not { } day)
        {
            SubmissionErrors[requestId] = text.T("Vul de datum in.", "Enter the date.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await using var session = store.LightweightSession(new EventMetadata(HttpContext.TraceIdentifier, null, Actor));
        session.Enlist(outbox);
        deadlines.Enroll(session);
        try
        {
            await RecordErasureSubmissionHandler.RecordAsync(session, outbox, deadlines, engine, letterSettings.Value, time, requestId, day, cancellationToken);
        }
        catch (DomainRuleViolated e)
        {
            SubmissionErrors[requestId] = e.Code == DomainRuleViolated.DateInFuture
                ? text.T("Die datum ligt in de toekomst.", "That date is in the future.")
                : text.T("Die datum kan niet: het moet de dag zijn waarop de organisatie het verzoek kreeg, na uw goedkeuring.", "That date is not possible: it must be the day the organisation received the request, after you approved it.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await session.SaveChangesAsync(cancellationToken);
        return LocalRedirect($"/zaak/{caseId}");
    }

    private IReadOnlyDictionary<Guid, IReadOnlyList<ClockStep>> _clock = new Dictionary<Guid, IReadOnlyList<ClockStep>>();

    public GetCaseEndpoint.CaseView Case { get; private set; } = null!;

    public IReadOnlyList<ClockStep> ClockOf(Guid requestId) => _clock.TryGetValue(requestId, out var steps) ? steps : [];

    /// <summary>Reminders, cease-and-desist letters and AP dossiers of the case.</summary>
    public IReadOnlyList<CaseLetterRow> Letters { get; private set; } = [];

    public bool Authorised { get; private set; }

    /// <summary>When the victim sent each letter for the post by registered post, as they noted it.</summary>
    public IReadOnlyDictionary<Guid, DateOnly> Posted { get; private set; } = new Dictionary<Guid, DateOnly>();

    /// <summary>
    /// The reminder waiting for the victim's approval on a request: the latest one, and only while the request still
    /// waits for its answer (an older one, or one for an answered request, can no longer be approved).
    /// </summary>
    public CaseLetterRow? ReminderToApprove(GetCaseEndpoint.RequestSummary request) =>
        request?.Status == "Sent" && Letters.LastOrDefault(l => l.RequestId == request.Id && l.Kind == nameof(LetterKind.DeadlineReminder)) is
        { Status: LetterStatus.Prepared, NeedsApproval: true } reminder
            ? reminder
            : null;

    /// <summary>Each platform report of the case, folded from its stream (the list alone cannot tell an objection).</summary>
    public Dictionary<Guid, PlatformReport> Reports { get; } = [];

    /// <summary>The report whose objection form was posted, with what needs fixing.</summary>
    public Guid? ComplaintFor { get; private set; }

    public string? ComplaintError { get; private set; }

    [BindProperty] public string? Grounds { get; set; }

    /// <summary>The SHA-256 of the complaint letter the victim read, when they send it.</summary>
    [BindProperty] public string? ShownSha256 { get; set; }

    /// <summary>
    /// The six weeks to ask the court (UAVG art. 35) after an erasure request was refused or answered in part, or went
    /// unanswered past its deadline; null otherwise, and once the six weeks are over.
    /// </summary>
    public Deadline? CourtWindow(GetCaseEndpoint.RequestSummary request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != "erasure")
        {
            return null;
        }
        var window = request switch
        {
            { AnsweredAt: { } answered, Outcome: "Refused" or "PartlyComplied" } =>
                engine.UavgPetition(engine.LocalDate(answered, DeadlineEngine.VictimCountry), unanswered: false),
            { AnsweredAt: null, Status: "DeadlineMissed" or "Escalated", Deadline: { } missed } =>
                engine.UavgPetition(missed.DueDate, unanswered: true),
            _ => null,
        };
        return window is not null && !window.IsExpiredAt(time.GetUtcNow()) ? window : null;
    }

    /// <summary>
    /// The internal complaint window (DSA Art. 20), while the victim can still object; null otherwise. It opens with a
    /// refusal whichever way the report was filed (by letter to an e-mail platform: <see cref="ObjectsByLetter"/>).
    /// </summary>
    public Deadline? OpenComplaintWindow(PlatformReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Status == PlatformReportStatus.Refused && report.ComplaintLodgedAt is null
            && report.InternalComplaintWindow(engine) is { } window && !window.IsExpiredAt(time.GetUtcNow())
            ? window
            : null;
    }

    /// <summary>
    /// The objection goes from this page to the platform's complaint API at once. To a platform that takes notices by
    /// e-mail only it goes as a letter, which the victim reads first (<see cref="ComplaintLetter"/>) and then sends.
    /// </summary>
    public static bool ObjectsByLetter(PlatformReport report) => (report ?? throw new ArgumentNullException(nameof(report))).FiledByEmail;

    /// <summary>The complaint letter to an e-mail platform as it will be sent, shown for the victim to read before sending.</summary>
    public ComposedLetter? ComplaintLetter { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostComplaintAsync(Guid caseId, Guid reportId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, cancellationToken) || !Reports.TryGetValue(reportId, out var report))
        {
            return NotFound();
        }
        ComplaintFor = reportId;
        var grounds = Grounds?.Trim() ?? "";
        if (grounds.Length == 0 || grounds.Length > Input.MaxLongText)
        {
            return Refuse(text.T("Schrijf kort op waarom het besluit van het platform niet klopt (maximaal 5000 tekens).",
                "Write briefly why the platform's decision is wrong (at most 5000 characters)."));
        }
        if (!Input.IsCleanText(grounds, multiline: true))
        {
            return Refuse(text.T(
                "Deze tekst bevat onzichtbare stuur- of leesrichtingstekens (die komen vaak mee bij kopiëren en plakken). Typ hem opnieuw.",
                "This text contains invisible control or text-direction characters (they often come along with copy and paste). Please type it again."));
        }
        if (OpenComplaintWindow(report) is null)
        {
            return Refuse(text.T("Bezwaar maken bij het platform kan nu niet (meer).", "Objecting with the platform is not possible (any more)."));
        }
        if (ObjectsByLetter(report) && ShownSha256 is null)
        {
            // First the letter exactly as it will go; sending it takes a second click with its hash.
            ComplaintLetter = await notices.PreviewComplaintAsync(reportId, grounds, cancellationToken);
            return ComplaintLetter is null
                ? Refuse(text.T("Bezwaar maken bij het platform kan nu niet (meer).", "Objecting with the platform is not possible (any more)."))
                : Page();
        }
        await using var session = store.LightweightSession(new EventMetadata(HttpContext.TraceIdentifier, null, Actor));
        session.Enlist(outbox);
        try
        {
            await notices.LodgeComplaintAsync(session, outbox, reportId, grounds, Actor, ObjectsByLetter(report) ? ShownSha256 : null, cancellationToken);
        }
        catch (DomainRuleViolated e) when (e.Code == DomainRuleViolated.TextChanged)
        {
            ComplaintLetter = await notices.PreviewComplaintAsync(reportId, grounds, cancellationToken);
            return Refuse(text.T("De brief is veranderd sinds u hem las. Lees hem opnieuw en verstuur hem dan.", "The letter changed since you read it. Read it again, then send it."));
        }
        catch (DomainRuleViolated)
        {
            return Refuse(text.T("Bezwaar maken bij het platform kan nu niet (meer).", "Objecting with the platform is not possible (any more)."));
        }
        await session.SaveChangesAsync(cancellationToken);
        return LocalRedirect($"/zaak/{caseId}");
    }

    private PageResult Refuse(string message)
    {
        ComplaintError = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (await cases.LoadAsync(VictimId, caseId, cancellationToken) is not { } view)
        {
            return false;
        }
        Case = view;
        _clock = await cases.ClockStepsAsync(view, cancellationToken);
        Letters = await letters.ListAsync(caseId, cancellationToken);
        Posted = (await letters.PostedAsync(caseId, Letters, cancellationToken)).ToDictionary(p => p.Letter.LetterId, p => p.Posted.PostedOn);
        Authorised = (await store.AggregateStreamAsync(caseId, Domain.Cases.Case.Initial, Domain.Cases.Case.Evolve, cancellationToken: cancellationToken))
            .State.Authorisation is not null;
        foreach (var request in view.Requests.Where(r => r.Kind == "erasure" && r.SentAt is null))
        {
            var events = await store.FetchStreamAsync(request.Id, cancellationToken: cancellationToken);
            var state = events.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
            if (state.CaseId == caseId && state.Status == ErasureRequestStatus.Approved && state.Channel != LetterChannels.Email)
            {
                SelfSent[request.Id] = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().First();
            }
        }
        foreach (var request in view.Requests.Where(r => r.Kind == "platform"))
        {
            var (report, _) = await store.AggregateStreamAsync(request.Id, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken: cancellationToken);
            if (report.CaseId == caseId)
            {
                Reports[request.Id] = report;
            }
        }
        return true;
    }
}
