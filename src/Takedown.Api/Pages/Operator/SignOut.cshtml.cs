using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

public sealed class SignOutModel : OperatorPageModel
{
    public IActionResult OnGet() => RedirectToPage("/Operator/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(OperatorSetup.Scheme);
        return LocalRedirect("/operator/sign-in");
    }
}
