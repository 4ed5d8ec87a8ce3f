using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Infrastructure;
using Takedown.Api.Operator;
using Takedown.Application.PlatformReports;
using Takedown.Application.Replies;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// One reply, its subject and text, and the form that confirms its meaning; for a platform's answer to a notice letter,
/// the form that records the platform's decision.
/// </summary>
public sealed class ReplyModel(ReplyReview replies, MessageOutbox outbox, DeadlineEngine engine) : OperatorPageModel
{
    public const int MaxText = 4_000;

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ReplyDetail? Detail { get; private set; }

    /// <summary>The day the reply arrived, in the victim's time zone: the latest day a platform's decision in it can bear.</summary>
    public DateOnly ArrivedOn => Detail is null ? default : engine.LocalDate(Detail.Reply.ReceivedAt, DeadlineEngine.VictimCountry);

    public string? Error { get; private set; }

    /// <summary>The choices the form offers: a reply matched to no request can only be dismissed.</summary>
    public IReadOnlyList<ReplyDecision> Choices => Detail?.Reply.RequestId is null ? [ReplyDecision.Dismiss] : Enum.GetValues<ReplyDecision>();

    /// <summary>The classifier's proposal as the form's default choice.</summary>
    public ReplyDecision Proposed =>
        Enum.TryParse<ReplyDecision>(Detail?.Reply.ProposedMeaning, out var d) && Choices.Contains(d) ? d : ReplyDecision.Dismiss;

    public static string Describe(ReplyDecision decision) => decision switch
    {
        ReplyDecision.Answered => "an answer: the controller complied, partly complied or refused",
        ReplyDecision.Extension => "an extension of two months (counts only if it arrived within the first month, GDPR Art. 12(3))",
        ReplyDecision.IdentityCheck => "a request to verify identity (stops the clock, GDPR Art. 12(6))",
        ReplyDecision.Bounce => "a bounce: the controller's address does not work",
        _ => "nothing for the deadline (an automatic reply, an acknowledgement): dismiss",
    };

    public static string Describe(PlatformDecision decision) => decision switch
    {
        PlatformDecision.Acknowledged => "confirmed receipt only: it has not decided yet",
        PlatformDecision.Removed => "removed the content",
        PlatformDecision.Restricted => "restricted the content (hidden, demoted, blocked in a country)",
        _ => "refused to act, with its statement of reasons",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Detail = await replies.DetailAsync(Id, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }

    [OperatorAction(OperatorActions.ConfirmReplyMeaning)]
    public async Task<IActionResult> OnPostAsync(ReplyDecision? decision, ErasureOutcome? outcome, string? text, CancellationToken cancellationToken)
    {
        if (decision is null || !Enum.IsDefined(decision.Value))
        {
            return await FailAsync("Choose what the reply is.", cancellationToken, StatusCodes.Status400BadRequest);
        }
        if (text is { Length: > MaxText })
        {
            return await FailAsync($"The text may have at most {MaxText} characters.", cancellationToken, StatusCodes.Status400BadRequest);
        }
        // A value that is not exactly a name binds as no outcome, which would mean "complied": refused, not defaulted.
        if ((outcome is { } o && !Enum.IsDefined(o))
            || ModelState.GetFieldValidationState(nameof(outcome)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            return await FailAsync("Choose the outcome of the answer.", cancellationToken, StatusCodes.Status400BadRequest);
        }
        try
        {
            var details = new ReplyDetails(decision == ReplyDecision.Answered ? outcome ?? ErasureOutcome.Complied : null, text?.Trim());
            if (!await replies.ConfirmAsync(User, Id, decision.Value, details, HttpContext.TraceIdentifier, outbox, cancellationToken))
            {
                return await replies.DetailAsync(Id, cancellationToken) is null
                    ? NotFound()
                    : await FailAsync("Someone confirmed this reply already.", cancellationToken);
            }
        }
        catch (DomainRuleViolated e)
        {
            return await FailAsync(e.Message, cancellationToken);
        }
        catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict))
        {
            return await FailAsync("The request changed at the same moment. Check the reply and confirm again.", cancellationToken);
        }
        TempData[nameof(RepliesModel.Message)] = $"Confirmed as {decision}.";
        return RedirectToPage("Replies");
    }

    [OperatorAction(OperatorActions.RecordPlatformDecisionFromReply)]
    public async Task<IActionResult> OnPostPlatformAsync(
        PlatformDecision? platformDecision, string? restriction, string? reasons, DateOnly? decidedOn, CancellationToken cancellationToken)
    {
        if (platformDecision is null)
        {
            return await FailAsync("Choose what the platform decided.", cancellationToken, StatusCodes.Status400BadRequest);
        }
        var input = new PlatformDecisionInput(platformDecision.Value, restriction?.Trim(), reasons?.Trim());
        if (input.Problem() is { } problem)
        {
            return await FailAsync(problem, cancellationToken, StatusCodes.Status400BadRequest);
        }
        if (!Input.IsCleanText(restriction ?? "", multiline: false) || !Input.IsCleanText(reasons ?? "", multiline: true))
        {
            return await FailAsync("The text contains control or direction-override characters; type it again.", cancellationToken,
                StatusCodes.Status400BadRequest);
        }
        try
        {
            if (!await replies.ConfirmPlatformDecisionAsync(User, Id, input, decidedOn, HttpContext.TraceIdentifier, cancellationToken))
            {
                return await replies.DetailAsync(Id, cancellationToken) is null
                    ? NotFound()
                    : await FailAsync("Someone confirmed this reply already.", cancellationToken);
            }
        }
        catch (DomainRuleViolated e)
        {
            return await FailAsync(e.Message, cancellationToken);
        }
        catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict))
        {
            return await FailAsync("The report changed at the same moment. Check the reply and record the decision again.", cancellationToken);
        }
        TempData[nameof(RepliesModel.Message)] = $"Recorded the platform's decision: {platformDecision}.";
        return RedirectToPage("Replies");
    }

    private async Task<IActionResult> FailAsync(string error, CancellationToken cancellationToken, int status = StatusCodes.Status409Conflict)
    {
        Error = error;
        Response.StatusCode = status;
        Detail = await replies.DetailAsync(Id, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }
}
