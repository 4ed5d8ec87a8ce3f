using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Operators;
using Takedown.EventStore;

namespace Takedown.Api.Pages.Operator;

/// <summary>An AP complaint waiting for review: operators approve or edit its text; supervisors record it as lodged.</summary>
public sealed class EscalationModel(OperatorQueries queries, OperatorCommands commands) : OperatorPageModel
{
    public const int MaxText = 20_000;

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ApComplaint? Complaint { get; private set; }

    public string CaseReference { get; private set; } = "";

    public string EscalationMode { get; private set; } = "";

    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    [OperatorAction(OperatorActions.ReviewApComplaint)]
    public async Task<IActionResult> OnPostReviewAsync(string? text, CancellationToken cancellationToken)
    {
        if (text is { Length: > MaxText })
        {
            return await FailAsync($"The text may have at most {MaxText} characters.", cancellationToken);
        }
        return await ActAsync(async () =>
        {
            var changed = await commands.ReviewComplaintAsync(User, Id, text, HttpContext.TraceIdentifier, cancellationToken);
            Message = changed ? "The text is approved." : "Nothing changed: this text was already approved.";
        }, cancellationToken);
    }

    // The button is only shown to supervisors; a form posted anyway is refused by the action's filter.
    [OperatorAction(OperatorActions.LodgeApComplaint)]
    public async Task<IActionResult> OnPostLodgeAsync(string? apReference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(apReference) || apReference.Length > 100)
        {
            return await FailAsync("Enter the AP's reference (at most 100 characters).", cancellationToken);
        }
        return await ActAsync(async () =>
        {
            await commands.LodgeComplaintAsync(User, Id, apReference, HttpContext.TraceIdentifier, cancellationToken);
            Message = "Recorded as lodged with the AP.";
        }, cancellationToken);
    }

    private async Task<IActionResult> ActAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        if (await queries.CaseOfRequestAsync(Id, cancellationToken) is null)
        {
            return NotFound();
        }
        try
        {
            await action();
        }
        catch (DomainRuleViolated e)
        {
            return await FailAsync(e.Message, cancellationToken);
        }
        catch (StreamVersionConflictException)
        {
            return await FailAsync("Someone else changed this complaint at the same moment. Check it and try again.", cancellationToken);
        }
        return RedirectToPage(new { id = Id });
    }

    private async Task<IActionResult> FailAsync(string error, CancellationToken cancellationToken)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Complaint = await commands.ComplaintAsync(Id, cancellationToken);
        if (Complaint is null || await queries.CaseOfRequestAsync(Id, cancellationToken) is not { } @case)
        {
            return false;
        }
        (CaseReference, EscalationMode) = (@case.Reference, @case.EscalationMode);
        return true;
    }
}
