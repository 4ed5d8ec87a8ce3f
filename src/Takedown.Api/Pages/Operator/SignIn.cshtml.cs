using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

[EnableRateLimiting(OperatorSetup.SignInRateLimit)]
public sealed class SignInModel(OperatorAccounts accounts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Failed { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string operatorId, string password)
    {
        var principal = accounts.SignIn(operatorId, password, OperatorSetup.Scheme);
        if (principal is null)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(OperatorSetup.Scheme, principal);
        // Only a local address inside the area: never an open redirect.
        return LocalRedirect(ReturnUrl is { } url && url.StartsWith("/operator", StringComparison.Ordinal) && Url.IsLocalUrl(url) ? url : "/operator");
    }
}
