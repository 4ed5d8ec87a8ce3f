using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Domain;
using Takedown.Domain.Letters;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The complaint to the AP (GDPR Art. 77) for the victim to lodge: a warning that the AP may share their details with the
/// organisation, the choice to ask the AP to keep their address from it, the AP form's address with the text to paste,
/// the letter for the post with their address, and the form to record the AP's confirmation (<see cref="PortalApComplaints"/>).
/// </summary>
public sealed class ApComplaintModel(PortalCases cases, PortalApComplaints complaints, PortalText text, TimeProvider time) : VictimPageModel
{
    public const int MaxAddressLines = 4;

    public Guid CaseId { get; private set; }

    public PortalApComplaintView View { get; private set; } = null!;

    public string? Error { get; private set; }

    [BindProperty] public string? ApReference { get; set; }

    [BindProperty] public DateOnly? LodgedOn { get; set; }

    [BindProperty] public string? Channel { get; set; }

    [BindProperty] public string? Address { get; set; }

    public DateOnly Today => Domain.Deadlines.DeadlineEngine.Default.LocalDate(time.GetUtcNow(), Domain.Deadlines.DeadlineEngine.VictimCountry);

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid complaintId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, complaintId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostShieldingAsync(Guid caseId, Guid complaintId, bool keep, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, complaintId, cancellationToken))
        {
            return NotFound();
        }
        var refused = await complaints.ChooseShieldingAsync(complaintId, keep, Actor, HttpContext.TraceIdentifier, cancellationToken);
        return refused is null
            ? LocalRedirect($"/zaak/{caseId}/ap-klacht/{complaintId}")
            : await RefuseAsync(caseId, complaintId, text.T("Uw klacht is al ingediend; wat erin staat, kan niet meer veranderen.",
                "Your complaint has already been lodged; what it says can no longer change."), cancellationToken);
    }

    public async Task<IActionResult> OnPostPostAsync(Guid caseId, Guid complaintId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, complaintId, cancellationToken))
        {
            return NotFound();
        }
        var lines = (Address ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length is 0 or > MaxAddressLines || lines.Any(l => l.Length > Input.MaxShortText || !Input.IsCleanText(l, multiline: false)))
        {
            return await RefuseAsync(caseId, complaintId, text.T(
                $"Vul uw adres in, op hoogstens {MaxAddressLines} regels (bijvoorbeeld straat en huisnummer, postcode en plaats).",
                $"Enter your address, on at most {MaxAddressLines} lines (for example street and number, postcode and town)."), cancellationToken);
        }
        if (!View.ReadyToLodge || View.Complaint.ApReference is not null)
        {
            return await RefuseAsync(caseId, complaintId, text.T("Deze klacht kan nu niet als brief worden gemaakt.", "This complaint cannot be made into a letter now."), cancellationToken);
        }
        try
        {
            var letterId = await complaints.PreparePostLetterAsync(complaintId, lines, Actor, HttpContext.TraceIdentifier, cancellationToken);
            return LocalRedirect($"/zaak/{caseId}/brieven/{letterId}");
        }
        catch (DomainRuleViolated)
        {
            return await RefuseAsync(caseId, complaintId, text.T("Deze klacht kan nu niet als brief worden gemaakt.", "This complaint cannot be made into a letter now."), cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostLodgedAsync(Guid caseId, Guid complaintId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, complaintId, cancellationToken))
        {
            return NotFound();
        }
        var reference = ApReference?.Trim() ?? "";
        if (reference.Length is 0 or > 100 || !Input.IsCleanText(reference, multiline: false))
        {
            return await RefuseAsync(caseId, complaintId, text.T(
                "Vul het zaaknummer of kenmerk in dat de AP u gaf (hoogstens 100 tekens).", "Enter the case number or reference the AP gave you (at most 100 characters)."), cancellationToken);
        }
        if (LodgedOn is not { } on || !PortalApComplaints.IsApChannel(Channel))
        {
            return await RefuseAsync(caseId, complaintId, text.T(
                "Vul de datum in waarop de AP uw klacht ontving, en hoe u haar indiende.", "Enter the date the AP received your complaint, and how you lodged it."), cancellationToken);
        }
        var refused = await complaints.RecordLodgedAsync(complaintId, reference, on, Channel!, Actor, HttpContext.TraceIdentifier, cancellationToken);
        return refused switch
        {
            null => LocalRedirect($"/zaak/{caseId}/ap-klacht/{complaintId}"),
            { Code: DomainRuleViolated.DateInFuture } => await RefuseAsync(caseId, complaintId, text.T(
                "Die datum ligt in de toekomst. Vul de datum in van de ontvangstbevestiging van de AP.", "That date is in the future. Enter the date of the AP's confirmation."), cancellationToken),
            _ => await RefuseAsync(caseId, complaintId, text.T(
                "Er staat al een ander kenmerk van de AP bij deze klacht.", "This complaint already has another reference from the AP."), cancellationToken),
        };
    }

    private async Task<IActionResult> RefuseAsync(Guid caseId, Guid complaintId, string error, CancellationToken cancellationToken)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(caseId, complaintId, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid caseId, Guid complaintId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken) || await complaints.LoadAsync(caseId, complaintId, cancellationToken) is not { } view)
        {
            return false;
        }
        (CaseId, View) = (caseId, view);
        return true;
    }

    public static bool ByPost(string? channel) => channel == LetterChannels.Post;
}
