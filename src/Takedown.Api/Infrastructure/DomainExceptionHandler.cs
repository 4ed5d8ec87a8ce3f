using Microsoft.AspNetCore.Diagnostics;
using Takedown.Application.EventStorage;
using Takedown.Domain;

namespace Takedown.Api.Infrastructure;

/// <summary>
/// Turns the errors a person can act on into RFC 7807 problem details: a refused command (409, with the domain's
/// reason), a concurrent change (409, try again), unreadable input (400). Anything else stays a 500 without detail.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, title, detail) = exception switch
        {
            DomainRuleViolated e => (StatusCodes.Status409Conflict, "Not allowed now", e.Message),
            _ when MartenSetup.IsConcurrencyConflict(exception) => (StatusCodes.Status409Conflict, "Changed by someone else",
                "The request was changed at the same moment by someone else. Reload it and try again."),
            BadHttpRequestException e => (e.StatusCode, "Bad request", "The request could not be read: check the JSON and its field types."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        };
        if (exception is DomainRuleViolated rule)
        {
            // A client branches on the code, never on the reason's wording.
            problem.ProblemDetails.Extensions["code"] = rule.Code;
        }
        return await problems.TryWriteAsync(problem);
    }
}

/// <summary>Validation failures from a slice's <c>Validate</c> come back as 400 problem details with per-field errors.</summary>
public sealed class ProblemOnBadInputFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (InputRejectedException e)
        {
            return TypedResults.ValidationProblem(e.Errors, title: "Some fields need attention");
        }
    }
}

/// <summary>Input that fails validation, with a reason per field.</summary>
public sealed class InputRejectedException(IDictionary<string, string[]> errors) : Exception("The input is not valid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
