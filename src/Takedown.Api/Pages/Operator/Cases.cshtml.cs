using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

public sealed class CasesModel(OperatorQueries queries) : OperatorPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>The page starts after this row (the "Older" link).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The page ends before this row (the "Newer" link).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public CaseSearch Result { get; private set; } = new(new([], null, null), CaseSearchKind.OpenCases);

    public IReadOnlyList<CaseRow> Rows => Result.Cases.Rows;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Q is { Length: > 200 })
        {
            Q = Q[..200];
        }
        Result = await queries.SearchCasesAsync(Q, PageRequest.From(After, Before), cancellationToken);
    }
}
