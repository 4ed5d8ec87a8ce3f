using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

/// <summary>One case: its requests from the read model and the full history of its streams (types, times, actors; no event data).</summary>
public sealed class CaseModel(OperatorQueries queries) : OperatorPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public CaseDetail? Detail { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Detail = await queries.CaseAsync(Id, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }

    public string StreamLabel(Guid streamId) =>
        streamId == Id ? "case" : Detail?.Requests.FirstOrDefault(r => r.Id == streamId) is { } r ? $"{r.Kind} {r.Counterparty}" : "request";

    /// <summary>A victim's own id is personal enough: operators see only who kind of actor opened the case.</summary>
    public static string ActorKind(string owner) =>
        owner.StartsWith("integration:", StringComparison.Ordinal) ? owner : owner.Split(':')[0];
}
