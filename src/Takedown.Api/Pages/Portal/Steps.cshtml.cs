using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The escalation ladder the victim-support sources describe (stop letter, blocking and privacy, police report with a
/// request to prosecute, contact or area ban), step by step: guidance and checklists, not legal advice.
/// </summary>
public sealed class StepsModel(PortalCases cases) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return NotFound();
        }
        CaseId = caseId;
        return Page();
    }
}
