using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Cases;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

public sealed class CaseDetailModel(PortalCases cases) : VictimPageModel
{
    public GetCaseEndpoint.CaseView Case { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (await cases.LoadAsync(VictimId, caseId, cancellationToken) is not { } view)
        {
            return NotFound();
        }
        Case = view;
        return Page();
    }
}
