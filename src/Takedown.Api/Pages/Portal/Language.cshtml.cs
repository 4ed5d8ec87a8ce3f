using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Portal;

namespace Takedown.Api.Pages.Portal;

/// <summary>The language switch: a cookie, so the choice never shows in an address.</summary>
public sealed class LanguageModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public IActionResult OnPost(string? language, string? returnTo)
    {
        Response.Cookies.Append(PortalText.Cookie, language == "en" ? "en" : "nl", new CookieOptions
        {
            HttpOnly = true,
            Secure = Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            MaxAge = TimeSpan.FromDays(365),
            IsEssential = true,
        });
        return LocalRedirect(Url.IsLocalUrl(returnTo) ? returnTo : "/");
    }
}
