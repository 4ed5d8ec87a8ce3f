using Npgsql;
using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.Letters;
using Takedown.Application.ReadModels;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.ErasureRequests;

/// <summary>The victim approves the request's letter as shown; it is then sent, and the deadline clock starts.</summary>
public static class ApproveErasureRequestEndpoint
{
    /// <param name="ContentSha256">The SHA-256 of the letter text the victim was shown (from GET …/letter).</param>
    public sealed record ApproveRequest(string? ContentSha256);

    public static void MapApproveErasureRequest(this ApiGroups api) => api.Map(group => group
        .MapPost("/erasure-requests/{id:guid}/approve", Approve)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("ApproveErasureRequest")
        .WithSummary("Approve the erasure request's letter exactly as shown, so it is sent")
        .Produces(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Approve(
        Guid id, ApproveRequest request, HttpContext http, CaseAccess access, IDocumentStore store, LetterWorkflow letters,
        MessageOutbox outbox, NpgsqlDataSource dataSource, DatabaseOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(letters);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Erasure, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        new Input().Require(request.ContentSha256 is { Length: 64 } sha && sha.All(char.IsAsciiHexDigit), "contentSha256",
            "The SHA-256 (64 hex digits) of the letter you approve.").ThrowIfAny();
        if (await GetErasureLetterEndpoint.CurrentLetterIdAsync(dataSource, options.Schema, id, cancellationToken) is not { } letterId)
        {
            return CaseAccess.NotFound();
        }
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        session.Enlist(outbox);
        await letters.ApproveAsync(session, outbox, letterId, http.User.Actor(), request.ContentSha256!.ToLowerInvariant(), false, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/v1/erasure-requests/{id}");
    }
}

public static class ErasureRequestsEndpoints
{
    public static ApiGroups MapErasureRequests(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapDraftErasureRequest();
        api.MapGetErasureRequest();
        api.MapGetErasureLetter();
        api.MapApproveErasureRequest();
        return api;
    }
}
