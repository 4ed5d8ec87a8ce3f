using Takedown.Domain.Operators;

namespace Takedown.Api.Operator;

/// <summary>
/// The operator action (<see cref="OperatorActions"/>) a page handler or an <c>/operator/api</c> endpoint takes. The
/// operator pages' base class and the endpoint filter below refuse it with a 403 to a role
/// <see cref="OperatorActions.IsAllowed"/> does not allow, before the handler runs, so the rule is declared once beside
/// the handler instead of repeated inside it; the authorization tests require every operator form post to declare one.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OperatorActionAttribute(string action) : Attribute
{
    public string Action { get; } = action;
}

/// <summary>The rule for <c>/operator/api</c>: a 403 problem for an endpoint whose action the role may not take.</summary>
public sealed class OperatorActionEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<OperatorActionAttribute>() is { } declared
            && !OperatorActions.IsAllowed(http.User.OperatorRole(), declared.Action))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                detail: $"Your role may not {declared.Action.Replace('-', ' ')}; ask a supervisor.");
        }
        return await next(context);
    }
}
