using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Operator;
using Takedown.Domain;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Pages.Operator;

/// <summary>Letters that failed for good, with a link to the case and "mark handled" (recorded in the letter's stream).</summary>
public sealed class FailedLettersModel(FailedLetters letters) : OperatorPageModel
{
    public IReadOnlyList<FailedLetterRow> Letters { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Letters = await letters.ListAsync(cancellationToken);

    [OperatorAction(OperatorActions.MarkFailedLetterHandled)]
    public async Task<IActionResult> OnPostHandledAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            Message = await letters.MarkHandledAsync(User, id, HttpContext.TraceIdentifier, cancellationToken)
                ? "Marked as handled."
                : "Nothing changed: the letter was handled already or has not failed.";
        }
        catch (Exception e) when (e is DomainRuleViolated || MartenSetup.IsConcurrencyConflict(e))
        {
            Message = e is DomainRuleViolated ? e.Message : "The letter changed at the same moment. Check it and try again.";
        }
        return RedirectToPage();
    }
}
