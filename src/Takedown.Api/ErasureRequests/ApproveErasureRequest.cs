using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.EventStore;

namespace Takedown.Api.ErasureRequests;

/// <summary>The victim approves the request's final text; only then may it be sent.</summary>
public static class ApproveErasureRequestEndpoint
{
    public static void MapApproveErasureRequest(this ApiGroups api) => api.Map(group => group
        .MapPost("/erasure-requests/{id:guid}/approve", Approve)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("ApproveErasureRequest")
        .WithSummary("Approve the erasure request's letter, so it is sent")
        .Produces(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Approve(
        Guid id, HttpContext http, CaseAccess access, EventStore.EventStore store, DeadlineEngine engine, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        if (!await access.CanSeeRequestAsync(http.User, id, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        await session.DecideAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve,
            state => ErasureRequest.Decide(new ApproveErasureRequest(id, time.GetUtcNow()), state, engine), cancellationToken);
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
        api.MapApproveErasureRequest();
        return api;
    }
}
