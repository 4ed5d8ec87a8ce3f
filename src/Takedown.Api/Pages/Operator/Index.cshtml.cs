using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

public sealed class IndexModel(OperatorQueries queries) : OperatorPageModel
{
    public const int ShortList = 25;

    public DashboardCounts Counts { get; private set; } = null!;

    public IReadOnlyList<DeadlineRow> Overdue { get; private set; } = [];

    public IReadOnlyList<EscalationRow> Escalations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        (Counts, Overdue, Escalations) = await queries.DashboardAsync(ShortList, cancellationToken);
    }
}
