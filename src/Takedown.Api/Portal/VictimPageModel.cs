using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Takedown.Api.Portal;

/// <summary>A page only a signed-in victim sees; every case it shows must be checked with <see cref="PortalCases.OwnsAsync"/>.</summary>
[Authorize(Policy = PortalSetup.Policy)]
public abstract class VictimPageModel : PageModel
{
    protected Guid VictimId => User.VictimId();

    protected string Actor => PortalCases.Actor(VictimId);
}
