using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;
using Takedown.Application.Privacy;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The victim deletes their own case (GDPR Art. 17) after reading what that means: <see cref="CaseErasure"/> records the
/// deletion with the victim as actor, destroys the case's key and removes its rows, in one transaction.
/// </summary>
public sealed class DeleteCaseModel(PortalCases cases, CaseErasure erasure) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public string Reference { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (await cases.LoadAsync(VictimId, caseId, cancellationToken) is not { } view)
        {
            return NotFound();
        }
        CaseId = caseId;
        Reference = view.Reference;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid caseId, CancellationToken cancellationToken)
    {
        // Someone else's case, one that never existed and one deleted a moment ago (a second click) are the same 404.
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken) || !await erasure.EraseAsync(caseId, Actor, cancellationToken))
        {
            return NotFound();
        }
        return LocalRedirect("/verwijderd");
    }
}
