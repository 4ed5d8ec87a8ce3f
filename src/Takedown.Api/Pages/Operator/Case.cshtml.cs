using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// One case: its requests from the read model and every event that concerns it (types, times, actors; no event data,
/// so no letter text and nothing of the victim's evidence diary).
/// </summary>
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

    /// <summary>What the event's stream is, in an operator's words.</summary>
    public string StreamLabel(HistoryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.StreamId == Id ? "case"
            : Detail?.Requests.FirstOrDefault(r => r.Id == row.StreamId) is { } r ? $"{r.Kind} {r.Counterparty}"
            : row.StreamType switch
            {
                "letter-prepared" => "letter" + (row.LetterKind is { } kind ? $" ({kind})" : ""),
                "diary-entry-recorded" => "evidence diary",
                "operator-action-recorded" => "operator audit",
                _ => row.StreamType,
            };
    }

    /// <summary>
    /// Who acted, as operators may see it: an operator, an integration or the system by name, a victim only as "victim"
    /// (the victim's account id is theirs, not the operators').
    /// </summary>
    public static string ActorKind(string? actor) => actor switch
    {
        null or "" => "system",
        _ when actor.StartsWith("integration:", StringComparison.Ordinal) || actor.StartsWith("operator:", StringComparison.Ordinal) => actor,
        _ => actor.Split(':')[0],
    };
}
