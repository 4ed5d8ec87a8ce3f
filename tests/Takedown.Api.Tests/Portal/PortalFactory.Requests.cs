using Microsoft.Extensions.DependencyInjection;
using Takedown.Application;
using Takedown.Application.ErasureRequests;
using Takedown.Application.Letters;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Api.Tests.Portal;

/// <summary>What an operator or the deadline check would do to a request, for the pages that follow from it.</summary>
public sealed partial class PortalFactory
{
    private IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    private DeadlineEngine Engine => Services.GetRequiredService<DeadlineEngine>();

    /// <summary>Waits until the worker has sent the request's letter.</summary>
    public async Task<ErasureRequest> WaitUntilSentAsync(Guid requestId)
    {
        var state = ErasureRequest.Initial;
        for (var i = 0; i < 300 && state.Status != ErasureRequestStatus.Sent; i++)
        {
            await Task.Delay(100);
            state = (await Store.AggregateStreamAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve)).State;
        }
        state.Status.ShouldBe(ErasureRequestStatus.Sent, "the worker sent the letter");
        return state;
    }

    /// <summary>Applies <paramref name="command"/> to the request, as an operator confirming the controller's reply would.</summary>
    public async Task DecideAsync(Guid requestId, Func<DateTimeOffset, object> command)
    {
        await using var session = Store.LightweightSession(new EventMetadata(Actor: "operator:test"));
        await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve,
            state => ErasureRequest.Decide(command(Clock.GetUtcNow()), state, Engine));
        await session.SaveChangesAsync();
    }

    /// <summary>The controller refuses and the complaint is prepared, with its dossier, as the API's escalation does.</summary>
    public async Task<Guid> RefusedAndEscalatedAsync(Guid requestId)
    {
        await DecideAsync(requestId, now => new RecordErasureAnswer(requestId, ErasureOutcome.Refused, "Journalistiek", now));
        var outbox = Services.GetRequiredService<MessageOutbox>();
        Guid complaintId;
        await using (var session = Store.LightweightSession(new EventMetadata(Actor: "integration:test")))
        {
            session.Enlist(outbox);
            var stream = await session.FetchForWritingAsync(requestId, ErasureRequest.Initial, default);
            complaintId = (await ApComplaintEscalation.EscalateAsync(session, outbox, stream, Engine, Clock.GetUtcNow(), default)).ComplaintId;
            await session.SaveChangesAsync();
        }
        await using (var session = Store.LightweightSession(new EventMetadata(Actor: "integration:test")))
        {
            await Services.GetRequiredService<LetterWorkflow>().PrepareApDossierAsync(session, complaintId, null, default);
            await session.SaveChangesAsync();
        }
        return complaintId;
    }

    public async Task SetEscalationModeAsync(Guid caseId, EscalationMode mode)
    {
        await using var session = Store.LightweightSession(new EventMetadata(Actor: "integration:test"));
        await session.DecideAsync(caseId, Case.Initial, Case.Evolve, state => Case.Decide(new ChangeEscalationMode(caseId, mode, Clock.GetUtcNow()), state));
        await session.SaveChangesAsync();
    }

    /// <summary>The victim signs the case's authorisation, as the portal does.</summary>
    public async Task AuthoriseAsync(Guid caseId)
    {
        var (text, sha) = await Services.GetRequiredService<LetterWorkflow>().AuthorisationTextAsync(caseId, default);
        await using var session = Store.LightweightSession(new EventMetadata(Actor: "victim:test"));
        await session.DecideAsync(caseId, Case.Initial, Case.Evolve,
            state => Case.Decide(new GrantAuthorisation(caseId, text, sha, "Anna de Vries", Clock.GetUtcNow()), state));
        await session.SaveChangesAsync();
    }
}
