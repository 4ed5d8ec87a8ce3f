using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

/// <summary>Uses a sign-in link: once, within 15 minutes; the session cookie lives in the browser's memory only.</summary>
public sealed class SignInLinkModel(VictimAccounts accounts, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Failed { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await accounts.RedeemAsync(Token, cancellationToken) is not { } victim)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await HttpContext.SignInAsync(PortalSetup.Scheme, PortalSetup.Principal(victim.VictimId, victim.Stamp, time.GetUtcNow()),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return LocalRedirect("/mijn-zaken");
    }
}
