using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

/// <summary>Every operator page requires a signed-in operator (either role); supervisor-only actions check the role themselves.</summary>
[Authorize(Policy = OperatorSetup.OperatorPolicy)]
public abstract class OperatorPageModel : PageModel;
