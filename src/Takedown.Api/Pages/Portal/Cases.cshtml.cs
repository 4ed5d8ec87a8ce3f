using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

public sealed class CasesModel(PortalCases cases) : VictimPageModel
{
    public IReadOnlyList<CaseListItem> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await cases.ListAsync(VictimId, cancellationToken);
}
