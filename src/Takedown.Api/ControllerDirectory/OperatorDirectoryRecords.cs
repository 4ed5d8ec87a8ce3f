using System.Text.Json.Nodes;
using Takedown.Api.Integrations;
using Takedown.Api.Operator;
using Takedown.Application.ControllerDirectory;
using Takedown.Domain.Operators;

namespace Takedown.Api.ControllerDirectory;

/// <summary>
/// <c>/operator/api/directory</c>: operators add and correct directory records as JSON in the upstream format, with the
/// operator cookie (SameSite=Strict) and the operator role. Their record wins over the imported one, also after later
/// imports; every change is kept with who made it, why, and the record before and after (the audit trail).
/// </summary>
public static class OperatorDirectoryRecordsEndpoints
{
    /// <param name="Record">The whole record in the upstream format (datenanfragen/data's schema.json); its slug is the id in the address.</param>
    /// <param name="Reason">Why it is added or corrected (a bounce, the controller's own privacy page), for the audit trail.</param>
    public sealed record SaveOwnRecord(JsonObject? Record, string? Reason);

    /// <param name="Reason">Why the operators' own record is withdrawn.</param>
    public sealed record WithdrawOwnRecord(string? Reason);

    public static IEndpointRouteBuilder MapOperatorDirectory(this IEndpointRouteBuilder app)
    {
        foreach (var kind in new[] { "controllers", "authorities" })
        {
            var group = app.MapGroup("/operator/api/directory/" + kind)
                .RequireAuthorization(OperatorSetup.OperatorPolicy)
                .AddEndpointFilter<OperatorActionEndpointFilter>()
                .ExcludeFromDescription();
            group.MapGet("{id}", (string id, DirectoryRecords directory, CancellationToken cancellationToken) => Get(kind, id, directory, cancellationToken));
            // The bodies are read inside, after authorisation: someone without the operator cookie learns nothing from a
            // 415 or 400 about what these endpoints take.
            group.MapPut("{id}", async (string id, HttpContext http, DirectoryRecords directory, CancellationToken cancellationToken) =>
                !http.Request.HasJsonContentType() ? NotJson()
                : await ReadAsync<SaveOwnRecord>(http, cancellationToken) is { } body ? await Save(kind, id, body, http, directory, cancellationToken)
                : BadBody()).WithMetadata(new OperatorActionAttribute(OperatorActions.CorrectDirectoryRecord));
            group.MapPost("{id}/withdraw", async (string id, HttpContext http, DirectoryRecords directory, CancellationToken cancellationToken) =>
                !http.Request.HasJsonContentType() ? NotJson()
                : await ReadAsync<WithdrawOwnRecord>(http, cancellationToken) is { } body ? await Withdraw(kind, id, body, http, directory, cancellationToken)
                : BadBody()).WithMetadata(new OperatorActionAttribute(OperatorActions.CorrectDirectoryRecord));
        }
        return app;
    }

    public static async Task<IResult> Get(string kind, string id, DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var k = KindOf(kind);
        return await directory.GetAsync(k, id, cancellationToken) is { } entry
            ? TypedResults.Ok(new { entry, record = await directory.RecordAsync(k, id, cancellationToken), audit = await directory.AuditTrailAsync(k, id, cancellationToken) })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> Save(string kind, string id, SaveOwnRecord body, HttpContext http, DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(directory);
        var k = KindOf(kind);
        var errors = DirectoryRecordRules.Check(k, id, body.Record).ToDictionary(e => e.Key, e => new[] { e.Value });
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            errors["reason"] = ["Say why, in at most 500 characters: it is kept in the audit trail."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some fields need attention");
        }
        return TypedResults.Ok(await directory.SaveOwnAsync(k, id, body.Record!, http.User.Actor(), body.Reason!.Trim(), cancellationToken));
    }

    public static async Task<IResult> Withdraw(string kind, string id, WithdrawOwnRecord body, HttpContext http, DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(directory);
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["Say why, in at most 500 characters."] }, title: "Some fields need attention");
        }
        return await directory.RemoveOwnAsync(KindOf(kind), id, http.User.Actor(), body.Reason.Trim(), cancellationToken) is { } entry
            ? TypedResults.Ok(entry)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "There is no operators' own record over an imported one to withdraw.");
    }

    private static async Task<T?> ReadAsync<T>(HttpContext http, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotJson() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: "The body is JSON (Content-Type: application/json).");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadBody() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "The body is JSON (Content-Type: application/json): {\"record\": {…}, \"reason\": \"…\"}.");

    private static DirectoryKind KindOf(string kind) => kind == "authorities" ? DirectoryKind.Authority : DirectoryKind.Company;
}
