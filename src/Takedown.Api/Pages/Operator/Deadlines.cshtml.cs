using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

public sealed class DeadlinesModel(OperatorQueries queries) : OperatorPageModel
{
    [BindProperty(SupportsGet = true)]
    public DueWindow Due { get; set; } = DueWindow.Overdue;

    /// <summary>The page starts after this row (a <see cref="Keyset"/> from the "Later" link).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The page ends before this row (from the "Earlier" link).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public Page<DeadlineRow> Rows { get; private set; } = new([], null, null);

    public string Title => Due switch
    {
        DueWindow.Overdue => "overdue",
        DueWindow.Today => "due today",
        _ => "due this week",
    };

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rows = await queries.DeadlinesAsync(Due, OperatorQueries.ListLimit, PageRequest.From(After, Before), cancellationToken);
}
