using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Portal;

/// <summary>Read the erasure letter, download its PDF and approve it: only an approved letter is sent.</summary>
public sealed class LetterModel(PortalCases cases, PortalLetters letters, MessageOutbox outbox) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public LetterPreview Preview { get; private set; } = null!;

    public bool Changed { get; private set; }

    public bool NeedsApproval => Preview.Status == Domain.Letters.LetterStatus.Prepared;

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, requestId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid caseId, Guid requestId, string? shownSha256, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, requestId, cancellationToken))
        {
            return NotFound();
        }
        if (NeedsApproval && !await letters.ApproveAsync(Preview, shownSha256 ?? "", Actor, HttpContext.TraceIdentifier, outbox, cancellationToken))
        {
            // The text is not the one shown (a new letter was prepared meanwhile): show the current text to approve again.
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
