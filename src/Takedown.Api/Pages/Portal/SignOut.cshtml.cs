using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

public sealed class SignOutModel(VictimAccounts accounts) : PageModel
{
    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        (await HttpContext.AuthenticateAsync(PortalSetup.Scheme)).Succeeded ? Page() : LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await SignOutHereAsync();
        return Page();
    }

    /// <summary>Ends every session of this victim, on every device: their cookies carry a stamp that no longer matches.</summary>
    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken cancellationToken)
    {
        var result = await HttpContext.AuthenticateAsync(PortalSetup.Scheme);
        if (result.Succeeded)
        {
            await accounts.SignOutEverywhereAsync(result.Principal.VictimId(), cancellationToken);
        }
        await SignOutHereAsync();
        return Page();
    }

    private async Task SignOutHereAsync()
    {
        await HttpContext.SignOutAsync(PortalSetup.Scheme);
        // The page that says so is rendered for nobody: its forms' anti-forgery tokens must not name the victim.
        HttpContext.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        Done = true;
    }
}
