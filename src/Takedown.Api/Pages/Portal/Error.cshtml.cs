using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// What the portal shows for a status without a page of its own (a guessed or stale address, an expired form, too many
/// attempts): the layout with the quick exit and the emergency numbers, never a bare error. Reached by re-executing
/// the request (<c>UsePortalErrorPages</c>), so the status and the address stay the original ones. The words depend on
/// the status alone: a case that exists but is someone else's reads exactly like one that does not.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Status { get; private set; }

    // The form that failed its anti-forgery check is re-executed here as a POST: it must render, not fail again.
    public IActionResult OnGet() => Render();

    public IActionResult OnPost() => Render();

    private PageResult Render()
    {
        // Opened directly rather than re-executed: there is no error to show but "not found".
        Status = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null ? StatusCodes.Status404NotFound : Response.StatusCode;
        Response.StatusCode = Status;
        return Page();
    }
}
