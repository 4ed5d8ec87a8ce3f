using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Portal;
using Takedown.Domain;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The victim reads the authorisation (machtiging) and signs it by typing their name; the text's SHA-256 is what they
/// sign, so a text changed meanwhile is refused. Revoking is one button.
/// </summary>
public sealed class AuthorisationModel(PortalCases cases, PortalAuthorisation authorisation, PortalText text) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public AuthorisationView View { get; private set; } = null!;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid caseId, string? shownSha256, string? signedName, bool agree, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return NotFound();
        }
        var refused = agree
            ? (await authorisation.GrantAsync(caseId, shownSha256 ?? "", signedName ?? "", Actor, HttpContext.TraceIdentifier, cancellationToken))?.Code
            : "agree";
        if (refused is null)
        {
            return LocalRedirect($"/zaak/{caseId}/machtiging");
        }
        Error = refused switch
        {
            "agree" => text.T("Vink aan dat u ons machtigt.", "Tick the box to authorise us."),
            DomainRuleViolated.TextChanged => text.T("De tekst is veranderd sinds u hem opende. Lees hem opnieuw.", "The text changed since you opened it. Read it again."),
            DomainRuleViolated.NameMismatch => text.T("Typ uw naam precies zoals die in uw zaak staat.", "Type your name exactly as it is in your case."),
            _ => text.T("De machtiging kon niet worden ondertekend.", "The authorisation could not be signed."),
        };
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(caseId, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return NotFound();
        }
        await authorisation.RevokeAsync(caseId, Actor, HttpContext.TraceIdentifier, cancellationToken);
        return LocalRedirect($"/zaak/{caseId}/machtiging");
    }

    private async Task<bool> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return false;
        }
        CaseId = caseId;
        View = await authorisation.LoadAsync(caseId, cancellationToken);
        return true;
    }
}
