using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Infrastructure;
using Takedown.Api.Operator;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Letters;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// An AP complaint waiting for review: operators approve or edit its text and see (and download) the dossier that will
/// be lodged, with the victim's authorisation; supervisors lodge that dossier on the AP's complaint form or by post and
/// record here the AP's confirmation or reference number and the day the AP received it. The victim may lodge it
/// themselves from the portal instead.
/// </summary>
public sealed class EscalationModel(OperatorQueries queries, OperatorCommands commands, LetterWorkflow letters) : OperatorPageModel
{
    public const int MaxText = 20_000;

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ApComplaint? Complaint { get; private set; }

    public string CaseReference { get; private set; } = "";

    public string EscalationMode { get; private set; } = "";

    /// <summary>The complaint's latest dossier as kept (the copy of what is lodged), or null when none was made.</summary>
    public LetterPrepared? Dossier { get; private set; }

    /// <summary>The victim's authorisation in force on the case, or null.</summary>
    public AuthorisationGranted? Authorisation { get; private set; }

    /// <summary>The dossier must be made (again) before lodging: none yet, a new text, or the authorisation changed.</summary>
    public bool DossierOutdated => Complaint!.DossierOutdated(Authorisation?.TextSha256);

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

    /// <summary>The dossier as a PDF, to keep beside the AP's web form while lodging.</summary>
    public async Task<IActionResult> OnGetPdfAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) && Dossier is { } dossier
            ? File(LetterWorkflow.RenderPdf(dossier), "application/pdf", "ap-dossier.pdf")
            : NotFound();

    [OperatorAction(OperatorActions.ReviewApComplaint)]
    public async Task<IActionResult> OnPostDossierAsync(CancellationToken cancellationToken) =>
        await ActAsync(async () =>
        {
            var made = await commands.PrepareDossierAsync(User, Id, HttpContext.TraceIdentifier, cancellationToken);
            Message = made ? "The dossier was prepared again." : "Nothing changed: the dossier is up to date.";
        }, cancellationToken);

    // The button is only shown to supervisors; a form posted anyway is refused by the action's filter.
    [OperatorAction(OperatorActions.LodgeApComplaint)]
    public async Task<IActionResult> OnPostLodgeAsync(
        string? apReference, DateOnly? lodgedOn, string? channel, string? dossierSha256, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(apReference) || apReference.Length > 100 || !Input.IsCleanText(apReference, multiline: false))
        {
            return await FailAsync("Enter the AP's confirmation or reference number (at most 100 characters).", cancellationToken);
        }
        if (lodgedOn is not { } on)
        {
            return await FailAsync("Enter the day the AP received the complaint, as its confirmation says.", cancellationToken);
        }
        if (channel is not (LetterChannels.WebForm or LetterChannels.Post))
        {
            return await FailAsync("Say whether the complaint went through the AP's form or by post.", cancellationToken);
        }
        return await ActAsync(async () =>
        {
            await commands.LodgeComplaintAsync(User, Id, apReference, on, channel, dossierSha256, HttpContext.TraceIdentifier, cancellationToken);
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
        catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict))
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
        Authorisation = await commands.AuthorisationAsync(Complaint, cancellationToken);
        Dossier = Complaint.Dossier is { } dossier ? await letters.LoadAsync(dossier.LetterId, cancellationToken) : null;
        return true;
    }
}
