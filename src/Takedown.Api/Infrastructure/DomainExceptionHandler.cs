using System.Text.Json;
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
        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest, InnerException: JsonException { Path.Length: > 2 } json }
            // Not malformed JSON (the reader's own error, wrapped): that is the whole body's problem, not a field's.
            && json.InnerException is not JsonException)
        {
            // A value the field's type cannot take: the field, and for an enum the names allowed, as for any other
            // invalid field. The message never repeats the value.
            var (field, message) = json is EnumValueRejectedException rejected
                ? (rejected.Field, rejected.Message)
                : (json.Path![2..], "Not a value of this field's type (see the OpenAPI document).");
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = ProblemOnBadInputFilter.Title,
                    Detail = "The request could not be read: check the JSON and its field types.",
                },
            });
        }
        var (status, title, detail) = exception switch
        {
            DomainRuleViolated e => (StatusCodes.Status409Conflict, "Not allowed now", e.Message),
            _ when MartenSetup.IsConcurrencyConflict(exception) => (StatusCodes.Status409Conflict, "Changed by someone else",
                "The request was changed at the same moment by someone else. Reload it and try again."),
            // Kestrel's and the endpoints' refusals to read a request: 400, 413 (body over the limit, also chunked), 415
            // (no or another Content-Type), 408, 431. The title is the status's own.
            BadHttpRequestException e => (e.StatusCode, ProblemTitles.For(e.StatusCode), e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The body is larger than this endpoint takes.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json (Content-Type: application/json).",
                StatusCodes.Status400BadRequest => "The request could not be read: check the JSON and its field types.",
                _ => "The request could not be read.",
            }),
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
    /// <summary>The title of every 400 that names fields.</summary>
    public const string Title = "Some fields need attention";

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
            return TypedResults.ValidationProblem(e.Errors, title: Title);
        }
    }
}

/// <summary>Input that fails validation, with a reason per field.</summary>
public sealed class InputRejectedException(IDictionary<string, string[]> errors) : Exception("The input is not valid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// Problem titles by status. A problem that has no title of its own (the framework's, the status code pages') gets its
/// status's reason phrase, so a 413 or a 415 never reads "Bad request".
/// </summary>
public static class ProblemTitles
{
    /// <summary>The status's name in RFC 9110 (which renamed 413 and 422), else its reason phrase.</summary>
    public static string For(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Content Too Large",
        StatusCodes.Status422UnprocessableEntity => "Unprocessable Content",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };

    /// <summary>Fills in the title of a problem that has none from its status.</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.ProblemDetails.Title) && context.ProblemDetails.Status is { } status)
        {
            context.ProblemDetails.Title = For(status);
        }
    }
}
