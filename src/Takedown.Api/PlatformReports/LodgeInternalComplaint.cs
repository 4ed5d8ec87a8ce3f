using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using Takedown.Application.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.PlatformReports;

/// <summary>
/// The internal complaint (DSA Art. 20) against a platform's refusal, within its window; the worker files it with the
/// platform, whose new decision arrives as a status update. To a platform that takes notices by e-mail only it goes as
/// a letter to the platform's notice address, on the partner's instruction (the grounds are the partner's).
/// </summary>
public static class LodgeInternalComplaintEndpoint
{
    /// <param name="Grounds">Why the platform's decision is wrong, in the victim's words.</param>
    public sealed record LodgeComplaintRequest(string? Grounds);

    public static void MapLodgeInternalComplaint(this ApiGroups api) => api.Map(group => group
        .MapPost("/platform-reports/{id:guid}/internal-complaint", Lodge)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("LodgeInternalComplaint")
        .WithSummary("Lodge an internal complaint (DSA Art. 20) against the platform's refusal")
        .Produces(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Lodge(
        Guid id, LodgeComplaintRequest request, HttpContext http, CaseAccess access, IDocumentStore store, PlatformNotices notices,
        MessageOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notices);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Platform, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        new Input().Text(request.Grounds, "grounds", Input.MaxLongText).ThrowIfAny();
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        session.Enlist(outbox);
        await notices.LodgeComplaintAsync(session, outbox, id, request.Grounds!.Trim(), http.User.Actor(), null, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/v1/platform-reports/{id}");
    }
}
