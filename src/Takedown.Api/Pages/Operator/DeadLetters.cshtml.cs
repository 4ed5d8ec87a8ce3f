using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Operator;
using Takedown.Domain.Operators;

namespace Takedown.Api.Pages.Operator;

/// <summary>Dead letters and failed status updates: everyone sees them, a supervisor replays or retries them.</summary>
public sealed class DeadLettersModel(DeadLetterReplay replay) : OperatorPageModel
{
    public IReadOnlyList<DeadLetterRow> Letters { get; private set; } = [];

    public IReadOnlyList<Takedown.Application.PlatformReports.FailedStatusUpdate> Updates { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Letters = await replay.ListAsync(cancellationToken);
        Updates = await replay.ListFailedUpdatesAsync(cancellationToken);
    }

    [OperatorAction(OperatorActions.RetryStatusUpdate)]
    public async Task<IActionResult> OnPostRetryUpdateAsync(string integration, string webhookId, CancellationToken cancellationToken)
    {
        if (!await replay.RetryUpdateAsync(User, integration ?? "", webhookId ?? "", HttpContext.TraceIdentifier, cancellationToken))
        {
            Error = "There is no failed status update with this id any more; someone may have retried it already.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        Message = $"Status update {webhookId} is back in the inbox.";
        return RedirectToPage();
    }

    // The button is only shown to supervisors; a form posted anyway is refused by the action's filter.
    [OperatorAction(OperatorActions.ReplayDeadLetter)]
    public async Task<IActionResult> OnPostReplayAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await replay.ReplayAsync(User, id, HttpContext.TraceIdentifier, cancellationToken))
        {
            Error = "There is no dead letter with this id any more; someone may have replayed it already.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        Message = $"Message {id} is back in the queue.";
        return RedirectToPage();
    }
}
