using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

/// <summary>Read the erasure letter, download its PDF and approve it: only an approved letter is sent.</summary>
public sealed class LetterModel(PortalCases cases, PortalLetters letters) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public LetterPreview Preview { get; private set; } = null!;

    public bool Changed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, requestId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid caseId, Guid requestId, string? shownSha256, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, requestId, cancellationToken))
        {
            return NotFound();
        }
        if (Preview.Status == "Drafted"
            && !await letters.ApproveAsync(caseId, requestId, shownSha256 ?? "", Actor, HttpContext.TraceIdentifier, cancellationToken))
        {
            // The text changed since it was shown (e.g. a new day's date): show the new text to approve again.
            Changed = true;
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        return LocalRedirect($"/zaak/{caseId}");
    }

    private async Task<bool> LoadAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken) || await letters.PreviewAsync(caseId, requestId, cancellationToken) is not { } preview)
        {
            return false;
        }
        CaseId = caseId;
        Preview = preview;
        return true;
    }
}
