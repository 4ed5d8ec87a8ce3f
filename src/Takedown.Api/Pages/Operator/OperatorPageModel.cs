using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Operator;
using Takedown.Domain.Operators;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// Every operator page requires a signed-in operator (either role). A handler that takes an action names it with
/// <see cref="OperatorActionAttribute"/>; a role that may not take it gets the 403 page before the handler runs.
/// </summary>
[Authorize(Policy = OperatorSetup.OperatorPolicy)]
public abstract class OperatorPageModel : PageModel
{
    // Not a handler: without [NonHandler] Razor Pages would take this override for a form handler of the verb "PAGE".
    [NonHandler]
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.HandlerMethod?.MethodInfo.GetCustomAttribute<OperatorActionAttribute>() is { } declared
            && !OperatorActions.IsAllowed(User.OperatorRole(), declared.Action))
        {
            var denied = Partial("_Denied");
            denied.StatusCode = StatusCodes.Status403Forbidden;
            context.Result = denied;
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next);
    }
}
