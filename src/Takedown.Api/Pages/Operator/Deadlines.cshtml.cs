using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

public sealed class DeadlinesModel(OperatorQueries queries) : OperatorPageModel
{
    [BindProperty(SupportsGet = true)]
    public DueWindow Due { get; set; } = DueWindow.Overdue;

    public IReadOnlyList<DeadlineRow> Rows { get; private set; } = [];

    public string Title => Due switch
    {
        DueWindow.Overdue => "overdue",
        DueWindow.Today => "due today",
        _ => "due this week",
    };

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rows = await queries.DeadlinesAsync(Due, OperatorQueries.ListLimit, cancellationToken);
}
