using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Infrastructure;
using Takedown.Api.Operator;
using Takedown.Application.PlatformReports;
using Takedown.Application.ReadModels;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// One case: its requests from the read model and every event that concerns it (types, times, actors; no event data,
/// so no letter text and nothing of the victim's evidence diary). For a platform report filed by e-mail, a supervisor
/// records the platform's decision when it came other than as a reply to the notice.
/// </summary>
public sealed class CaseModel(OperatorQueries queries, OperatorCommands commands, DeadlineEngine engine, TimeProvider time) : OperatorPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public CaseDetail? Detail { get; private set; }

    [TempData]
    public string? Message { get; set; }

    /// <summary>Why the decision posted was not recorded.</summary>
    public string? DecisionError { get; private set; }

    /// <summary>Today in the Netherlands: the decision form's default day.</summary>
    public DateOnly Today => engine.LocalDate(time.GetUtcNow(), DeadlineEngine.VictimCountry);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Detail = await queries.CaseAsync(Id, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }

    [OperatorAction(OperatorActions.RecordPlatformDecision)]
    public async Task<IActionResult> OnPostDecisionAsync(
        Guid reportId, PlatformDecision? platformDecision, string? restriction, string? reasons, DateOnly? decidedOn, CancellationToken cancellationToken)
    {
        Detail = await queries.CaseAsync(Id, cancellationToken);
        if (Detail is null || !Detail.Requests.Any(r => r.Id == reportId && r.Kind == RequestKinds.Platform))
        {
            return NotFound();
        }
        if (platformDecision is null)
        {
            return Refuse("Choose what the platform decided.", StatusCodes.Status400BadRequest);
        }
        var input = new PlatformDecisionInput(platformDecision.Value, restriction?.Trim(), reasons?.Trim());
        if (input.Problem() is { } problem)
        {
            return Refuse(problem, StatusCodes.Status400BadRequest);
        }
        if (decidedOn is not { } day)
        {
            return Refuse("Give the day the platform decided, as its message says.", StatusCodes.Status400BadRequest);
        }
        if (!Input.IsCleanText(restriction ?? "", multiline: false) || !Input.IsCleanText(reasons ?? "", multiline: true))
        {
            return Refuse("The text contains control or direction-override characters; type it again.", StatusCodes.Status400BadRequest);
        }
        try
        {
            Message = await commands.RecordPlatformDecisionAsync(User, Id, reportId, input, day, HttpContext.TraceIdentifier, cancellationToken)
                ? $"Recorded the platform's decision: {input.Decision}."
                : "Nothing changed: the report already holds this decision.";
        }
        catch (DomainRuleViolated e)
        {
            return Refuse(e.Message, StatusCodes.Status409Conflict);
        }
        catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict))
        {
            return Refuse("The report changed at the same moment. Check the case and record the decision again.", StatusCodes.Status409Conflict);
        }
        return RedirectToPage(new { id = Id });
    }

    /// <summary>
    /// A platform report filed as a notice letter: its platform has no status webhook, so its decisions are recorded here
    /// (or from its reply) until the content is removed or the report closed.
    /// </summary>
    public bool AwaitsRecordedDecision(RequestRow request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == RequestKinds.Platform && request.Status is not ("Removed" or "Closed")
            && Detail!.History.Any(e => e.StreamId == request.Id && e.Type == "platform-report-filed-by-email");
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

    private PageResult Refuse(string error, int status)
    {
        DecisionError = error;
        Response.StatusCode = status;
        return Page();
    }
}
