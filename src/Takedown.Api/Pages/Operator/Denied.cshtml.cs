using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Takedown.Api.Pages.Operator;

public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
