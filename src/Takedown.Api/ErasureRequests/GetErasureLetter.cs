using Npgsql;
using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.Letters;
using Takedown.Application.ReadModels;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.ErasureRequests;

/// <summary>The erasure request's letter as the victim must approve it: its text, HTML, hash and PDF.</summary>
public static class GetErasureLetterEndpoint
{
    public sealed record LetterView(
        Guid LetterId, string Status, string Language, string Subject, string PlainText, string Html, string ContentSha256,
        DateTimeOffset PreparedAt);

    public static void MapGetErasureLetter(this ApiGroups api) => api.Map(group =>
    {
        group.MapGet("/erasure-requests/{id:guid}/letter", Get)
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("GetErasureLetter")
            .WithSummary("The letter to the controller, to read and approve")
            .Produces<LetterView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/erasure-requests/{id:guid}/letter.pdf", GetPdf)
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("GetErasureLetterPdf")
            .WithSummary("The letter as a PDF, for print and registered post")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound);
    });

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, LetterWorkflow letters, NpgsqlDataSource dataSource, DatabaseOptions options,
        CancellationToken cancellationToken) =>
        await LoadAsync(id, http, access, letters, dataSource, options, cancellationToken) is var (letter, status)
            ? TypedResults.Ok(new LetterView(
                letter.LetterId, status, letter.Language, letter.Subject, letter.PlainText, letter.Html, letter.ContentSha256, letter.PreparedAt))
            : CaseAccess.NotFound();

    public static async Task<IResult> GetPdf(
        Guid id, HttpContext http, CaseAccess access, LetterWorkflow letters, NpgsqlDataSource dataSource, DatabaseOptions options,
        CancellationToken cancellationToken) =>
        await LoadAsync(id, http, access, letters, dataSource, options, cancellationToken) is var (letter, _)
            ? TypedResults.File(LetterWorkflow.RenderPdf(letter), "application/pdf", "erasure-request.pdf")
            : CaseAccess.NotFound();

    /// <summary>The request's current letter, if the caller may see the request.</summary>
    private static async Task<(LetterPrepared Letter, string Status)?> LoadAsync(
        Guid id, HttpContext http, CaseAccess access, LetterWorkflow letters, NpgsqlDataSource dataSource, DatabaseOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(letters);
        ArgumentNullException.ThrowIfNull(options);
        return await access.CanSeeRequestAsync(http.User, id, RequestKinds.Erasure, cancellationToken)
            && await CurrentLetterAsync(dataSource, options.Schema, id, cancellationToken) is { } current
            && await letters.LoadAsync(current.Id, cancellationToken) is { } letter
            ? (letter, current.Status)
            : null;
    }

    public static async Task<Guid?> CurrentLetterIdAsync(NpgsqlDataSource dataSource, string schema, Guid requestId, CancellationToken cancellationToken) =>
        (await CurrentLetterAsync(dataSource, schema, requestId, cancellationToken))?.Id;

    private static async Task<(Guid Id, string Status)?> CurrentLetterAsync(
        NpgsqlDataSource dataSource, string schema, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            $"SELECT id, status FROM {schema}.letter_overview WHERE request_id = $1 AND kind = 'ErasureRequest' ORDER BY prepared_at DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }
}
