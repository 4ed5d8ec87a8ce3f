using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Cases;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

public sealed class CaseDetailModel(PortalCases cases) : VictimPageModel
{
    private IReadOnlyDictionary<Guid, IReadOnlyList<ClockStep>> _clock = new Dictionary<Guid, IReadOnlyList<ClockStep>>();

    public GetCaseEndpoint.CaseView Case { get; private set; } = null!;

    public IReadOnlyList<ClockStep> ClockOf(Guid requestId) => _clock.TryGetValue(requestId, out var steps) ? steps : [];

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (await cases.LoadAsync(VictimId, caseId, cancellationToken) is not { } view)
        {
            return NotFound();
        }
        Case = view;
        _clock = await cases.ClockStepsAsync(view, cancellationToken);
        return Page();
    }
}
