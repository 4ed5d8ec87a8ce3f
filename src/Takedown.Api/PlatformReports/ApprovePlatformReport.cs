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
/// The partner approves the notice on the victim's behalf, as shown (its SHA-256), after telling the victim that
/// platforms may publish notices; only then is it filed (by API) or sent (by e-mail).
/// </summary>
public static class ApprovePlatformReportEndpoint
{
    /// <param name="ContentSha256">The SHA-256 of the notice the victim was shown (from GET …/notice).</param>
    /// <param name="VictimInformedOfPublication">
    /// True: the victim was told that platforms may publish notices they receive (e.g. in the Lumen database), with the
    /// name and e-mail address in them.
    /// </param>
    public sealed record ApproveNoticeRequest(string? ContentSha256, bool? VictimInformedOfPublication);

    public static void MapApprovePlatformReport(this ApiGroups api) => api.Map(group => group
        .MapPost("/platform-reports/{id:guid}/approve", Approve)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("ApprovePlatformReport")
        .WithSummary("Approve the notice exactly as shown, on the victim's behalf, so it is filed")
        .Produces(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Approve(
        Guid id, ApproveNoticeRequest request, HttpContext http, CaseAccess access, IDocumentStore store, PlatformNotices notices,
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
        new Input()
            .Require(request.ContentSha256 is { Length: 64 }, "contentSha256", "The SHA-256 (64 hex digits) of the notice you approve.")
            .Require(request.VictimInformedOfPublication == true, "victimInformedOfPublication",
                "Tell the victim that platforms may publish notices (for example in the Lumen database), then approve with true.")
            .ThrowIfAny();
        if (await notices.ReviewAsync(id, cancellationToken) is not { } review)
        {
            return CaseAccess.NotFound();
        }
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        session.Enlist(outbox);
        await notices.ApproveAsync(session, outbox, review, http.User.Actor(), request.ContentSha256!.ToLowerInvariant(), true, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/v1/platform-reports/{id}");
    }
}
