using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ErasureRequests;
using Takedown.Application.Letters;
using Takedown.Application.ReadModels;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.ApComplaints;

/// <summary>
/// A partner opens the AP complaint (GDPR Art. 77) for an erasure request the controller refused or left unanswered
/// past its deadline, instead of waiting for the deadline check to do it.
/// </summary>
public static class OpenApComplaintEndpoint
{
    /// <param name="Id">The AP complaint: one per erasure request.</param>
    /// <param name="ErasureRequestId">The request it is about.</param>
    public sealed record ApComplaintOpened(Guid Id, Guid ErasureRequestId);

    public static void MapOpenApComplaint(this ApiGroups api) => api.Map(group => group
        .MapPost("/erasure-requests/{id:guid}/ap-complaint", Open)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("OpenApComplaint")
        .WithSummary("Open the AP complaint for a refused or overdue erasure request")
        .Produces<ApComplaintOpened>(StatusCodes.Status201Created)
        .Produces<ApComplaintOpened>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict));

    public static async Task<IResult> Open(
        Guid id, HttpContext http, CaseAccess access, IDocumentStore store, DeadlineEngine engine, MessageOutbox outbox,
        LetterWorkflow workflow, ILogger<ApComplaintOpened> logger, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Erasure, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
        session.Enlist(outbox);
        var stream = await session.FetchForWritingAsync(id, ErasureRequest.Initial, cancellationToken);
        var escalation = await ApComplaintEscalation.EscalateAsync(session, outbox, stream, engine, time.GetUtcNow(), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        if (escalation.Created)
        {
            // Its own transaction: the complaint stands even when its dossier has to wait for an operator.
            await using var dossier = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
            await CheckErasureDeadlineHandler.PrepareDossierAsync(dossier, workflow, escalation.ComplaintId, logger, cancellationToken);
        }
        var body = new ApComplaintOpened(escalation.ComplaintId, id);
        return escalation.Created
            ? TypedResults.Created($"/api/v1/ap-complaints/{escalation.ComplaintId}", body)
            : TypedResults.Ok(body);
    }
}
