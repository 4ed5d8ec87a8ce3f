using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.EventStore;
using Takedown.Messaging;

namespace Takedown.Application.ErasureRequests;

/// <summary>
/// At the answer deadline (GDPR Art. 12(3)): a request still waiting for its answer has missed it. The miss is
/// recorded, the AP complaint is prepared from the request's history, and it goes to the operators' review queue or,
/// when the case says so, is lodged at once; the victim is told (<see cref="ApComplaintEscalation"/>). A check that
/// finds the request answered, withdrawn or already escalated does nothing; one that finds the deadline moved (an
/// extension, an identity check) waits for the new one. So an extension reschedules the check and an answer cancels it without either having to find it.
/// </summary>
public static class CheckErasureDeadlineHandler
{
    public static async Task HandleAsync(
        CheckErasureDeadline message, MessageContext context, EventStore.EventStore store, DeadlineEngine engine, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var stream = await session.Events.FetchForWritingAsync(message.RequestId, ErasureRequest.Initial, ErasureRequest.Evolve, cancellationToken);
        var request = stream.Aggregate;
        if (request.Status != ErasureRequestStatus.Sent)
        {
            return;
        }
        var now = time.GetUtcNow();
        var deadline = request.AnswerDeadline(engine, engine.LocalDate(now, request.ControllerCountry))!;
        if (request.IsPaused || !deadline.IsExpiredAt(now))
        {
            // Paused: the clock stands still while the controller waits for the victim; look again a day later.
            context.Schedule(message, request.IsPaused ? now.AddDays(1) : deadline.DueAt);
            return;
        }

        await ApComplaintEscalation.EscalateAsync(session, context.Outbox, stream, engine, now, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>A warning point before the deadline: counted for the dashboards while the request still waits.</summary>
public static partial class ErasureDeadlineWarningHandler
{
    public static async Task HandleAsync(
        ErasureDeadlineWarning message, MessageContext context, EventStore.EventStore store, ILogger<ErasureDeadlineWarning> logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        var session = store.OpenSession(context.Connection, context.Transaction);
        var request = (await session.Events.FetchStreamAsync(message.RequestId, cancellationToken: cancellationToken))
            .Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
        if (request.Status != ErasureRequestStatus.Sent)
        {
            return;
        }
        TakedownMetrics.DeadlineWarnings.Add(1, new KeyValuePair<string, object?>("days_before", message.DaysBefore));
        LogWarningPoint(logger, message.RequestId, message.DaysBefore);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure request {RequestId} is due in {DaysBefore} day(s) and still unanswered")]
    private static partial void LogWarningPoint(ILogger logger, Guid requestId, int daysBefore);
}

/// <summary>Tells the victim, by e-mail, what happened on one of their requests.</summary>
public static class NotifyVictimHandler
{
    public static async Task HandleAsync(
        NotifyVictim message, MessageContext context, EventStore.EventStore store, LetterWorkflow workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workflow);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        await workflow.PrepareVictimNoticeAsync(session, context.Outbox, message.RequestId, message.Kind, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Lodges an AP complaint automatically by sending its dossier to the AP (cases set to automatic escalation).</summary>
public static class SendApComplaintDossierHandler
{
    public static async Task HandleAsync(
        SendApComplaintDossier message, MessageContext context, EventStore.EventStore store, LetterWorkflow workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workflow);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        await workflow.PrepareApDossierAsync(session, context.Outbox, message.ComplaintId, null, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}
