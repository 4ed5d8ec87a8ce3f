using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;
using Takedown.Letters.Composing;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// One letter of the case by its id: a reminder to approve, a cease-and-desist letter to download for registered post,
/// the AP dossier to read. Only the case's owner sees it; anything else is the same 404.
/// </summary>
public sealed class CaseLetterModel(PortalCases cases, PortalLetters letters, PortalText text, MessageOutbox outbox) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public CaseLetter Letter { get; private set; } = null!;

    public bool Created { get; private set; }

    public string? Error { get; private set; }

    public string Title => Letter.Letter.Kind switch
    {
        nameof(LetterKind.DeadlineReminder) => text.T("Herinnering aan de organisatie", "Reminder to the organisation"),
        nameof(LetterKind.CeaseAndDesist) => text.T("Brief voor aangetekende verzending", "Letter for registered post"),
        nameof(LetterKind.ApComplaintDossier) => text.T("Klacht bij de Autoriteit Persoonsgegevens", "Complaint to the Dutch Data Protection Authority"),
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
            // The reasons are the domain's (English); the victim gets them in the page's words.
            Error = refused.Contains("not the one shown", StringComparison.Ordinal)
                ? text.T("De tekst is veranderd sinds u hem opende. Lees hem opnieuw en keur hem dan goed.", "The text changed since you opened it. Read it again, then approve it.")
                : text.T("Deze herinnering kan niet meer worden verstuurd: de organisatie heeft geantwoord, de termijn is verschoven of verstreken, of het verzoek is ingetrokken.",
                    "This reminder can no longer be sent: the organisation has answered, the deadline moved or passed, or the request was withdrawn.");
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(caseId, letterId, cancellationToken);
            return Page();
        }
        return LocalRedirect($"/zaak/{caseId}");
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
