using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;
using Takedown.Domain;
using Takedown.Letters.Composing;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// One letter of the case by its id: a reminder to approve, a cease-and-desist letter to download for registered post,
/// the AP dossier to read. Only the case's owner sees it; anything else is the same 404.
/// </summary>
public sealed class CaseLetterModel(PortalCases cases, PortalLetters letters, PortalText text, MessageOutbox outbox, TimeProvider time) : VictimPageModel
{
    public DateOnly Today => DateOnly.FromDateTime(PortalText.Local(time.GetUtcNow()).DateTime);

    /// <summary>The date entered in the "posted" form, kept when it is shown again with an error.</summary>
    public DateOnly? PostedOn { get; private set; }

    public string? TrackingCode { get; private set; }

    public Guid CaseId { get; private set; }

    public CaseLetter Letter { get; private set; } = null!;

    public bool Created { get; private set; }

    public string? Error { get; private set; }

    public string Title => Letter.Letter.Kind switch
    {
        nameof(LetterKind.DeadlineReminder) => text.T("Herinnering aan de organisatie", "Reminder to the organisation"),
        nameof(LetterKind.CeaseAndDesist) => text.T("Brief voor aangetekende verzending", "Letter for registered post"),
        nameof(LetterKind.ApComplaintDossier) => text.T("Klacht bij de Autoriteit Persoonsgegevens", "Complaint to the Dutch Data Protection Authority"),
        nameof(LetterKind.PlatformComplaint) => text.T("Bezwaar bij het platform", "Objection to the platform"),
        _ => text.T("Brief", "Letter"),
    };

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid letterId, bool created, CancellationToken cancellationToken)
    {
        Created = created;
        return await LoadAsync(caseId, letterId, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid caseId, Guid letterId, string? shownSha256, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, letterId, cancellationToken))
        {
            return NotFound();
        }
        if (Letter.AwaitsApproval
            && await letters.ApproveAsync(Letter, shownSha256 ?? "", Actor, HttpContext.TraceIdentifier, outbox, cancellationToken) is { } refused)
        {
            // The reasons are the domain's (English); the victim gets them in the page's words, chosen by the code.
            Error = refused.Code == DomainRuleViolated.TextChanged
                ? text.T("De tekst is veranderd sinds u hem opende. Lees hem opnieuw en keur hem dan goed.", "The text changed since you opened it. Read it again, then approve it.")
                : text.T("Deze herinnering kan niet meer worden verstuurd: de organisatie heeft geantwoord, de termijn is verschoven of verstreken, of het verzoek is ingetrokken.",
                    "This reminder can no longer be sent: the organisation has answered, the deadline moved or passed, or the request was withdrawn.");
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(caseId, letterId, cancellationToken);
            return Page();
        }
        return LocalRedirect($"/zaak/{caseId}");
    }

    /// <summary>The victim sent the letter by registered post: the date and the receipt's barcode are kept as evidence.</summary>
    public async Task<IActionResult> OnPostPostedAsync(Guid caseId, Guid letterId, DateOnly? postedOn, string? trackingCode, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, letterId, cancellationToken))
        {
            return NotFound();
        }
        PostedOn = postedOn;
        TrackingCode = trackingCode;
        var refused = postedOn is null || (trackingCode?.Length ?? 0) > 100
            ? "required"
            : (await letters.RecordPostedAsync(Letter, postedOn.Value, trackingCode, Today, Actor, HttpContext.TraceIdentifier, time, cancellationToken))?.Code;
        if (refused is not null)
        {
            Error = refused switch
            {
                "required" => text.T("Vul de datum in waarop u de brief verstuurde.", "Enter the date you sent the letter."),
                DomainRuleViolated.DateInFuture => text.T("De datum ligt in de toekomst. Vul de datum in waarop u de brief verstuurde.", "The date is in the future. Enter the date you sent the letter."),
                _ => text.T("Dat lijkt geen barcode. Neem de letters en cijfers over van het verzendbewijs, of laat het vak leeg.", "That does not look like a barcode. Copy the letters and digits from the receipt, or leave the box empty."),
            };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return LocalRedirect($"/zaak/{caseId}/brieven/{letterId}");
    }

    private async Task<bool> LoadAsync(Guid caseId, Guid letterId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken) || await letters.LetterAsync(caseId, letterId, cancellationToken) is not { } letter)
        {
            return false;
        }
        CaseId = caseId;
        Letter = letter;
        return true;
    }
}
