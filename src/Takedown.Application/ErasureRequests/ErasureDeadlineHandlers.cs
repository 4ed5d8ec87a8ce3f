using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.EventStore;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Application.ErasureRequests;

/// <summary>
/// At the answer deadline (GDPR Art. 12(3)): a request still waiting for its answer has missed it. The miss is
/// recorded, the AP complaint is prepared from the request's history, and it goes to the operators' review queue with
/// its dossier (the copy of what they will lodge) or, when the case says so, is lodged at once; the victim is told.
/// A check that finds the request answered, withdrawn or already escalated does nothing; one that finds the deadline
/// moved (an extension, an identity check) waits for the new one. So an extension reschedules the check and an answer
/// cancels it without either having to find it.
/// </summary>
public static partial class CheckErasureDeadlineHandler
{
    public static async Task HandleAsync(
        CheckErasureDeadline message, MessageContext context, EventStore.EventStore store, DeadlineEngine engine, LetterWorkflow workflow,
        TimeProvider time, ILogger<CheckErasureDeadline> logger, CancellationToken cancellationToken)
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

        var missed = ErasureRequest.Decide(new MarkDeadlineMissed(request.Id, now), request, engine);
        stream.AppendMany(missed);
        var afterMiss = missed.Aggregate(request, ErasureRequest.Evolve);
        var complaintId = ComplaintIdFor(request.Id);
        var evidence = ApComplaint.EvidenceFrom(stream.Events.Select(e => e.Data).Concat(missed), engine);
        var drafted = stream.Events.Select(e => e.Data).OfType<ErasureRequestDrafted>().First();
        await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, state => ApComplaint.Decide(
            new PrepareApComplaint(complaintId, afterMiss, evidence, ComplaintText(drafted, afterMiss, deadline), now), state), cancellationToken);
        stream.AppendMany(ErasureRequest.Decide(new EscalateErasureRequest(request.Id, complaintId, now), afterMiss, engine));

        var @case = (await session.Events.FetchStreamAsync(request.CaseId, cancellationToken: cancellationToken))
            .Aggregate(Case.Initial, (s, e) => Case.Evolve(s, e.Data));
        if (@case.EscalationMode == EscalationMode.Automatic)
        {
            context.Publish(new SendApComplaintDossier(complaintId));
        }
        context.Publish(new NotifyVictim(request.Id, VictimNoticeKind.DeadlineMissed));
        await session.SaveChangesAsync(cancellationToken);
        TakedownMetrics.DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("country", request.ControllerCountry));
        if (@case.EscalationMode == EscalationMode.OperatorReview)
        {
            // The operators review the complaint with its dossier beside it. The dossier is composed from the complaint as
            // stored, so it is made after the complaint is written, in the same transaction.
            var dossierSession = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
            try
            {
                await workflow.PrepareApDossierAsync(dossierSession, complaintId, sendThrough: null, cancellationToken);
                await dossierSession.SaveChangesAsync(cancellationToken);
            }
            catch (DomainRuleViolated)
            {
                // A dossier needs what the letters need (the victim's name); the miss and the complaint must be recorded
                // all the same. The operator prepares the dossier from the complaint's page once the case is complete.
                LogDossierLater(logger, complaintId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AP complaint {ComplaintId} was prepared without its dossier; an operator can prepare it")]
    private static partial void LogDossierLater(ILogger logger, Guid complaintId);

    /// <summary>One complaint per request, whichever delivery of the check prepares it.</summary>
    public static Guid ComplaintIdFor(Guid requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ap-complaint:" + requestId.ToString("N")));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private static string ComplaintText(ErasureRequestDrafted drafted, ErasureRequest request, Deadline deadline) =>
        $"Klacht op grond van artikel 77 AVG tegen {drafted.ControllerName}. Betrokkene heeft op {DateText.Nl(request.ReceivedOn!.Value)} " +
        $"een verzoek tot verwijdering van persoonsgegevens (artikel 17 AVG) laten ontvangen door {drafted.ControllerName}. " +
        $"De verwerkingsverantwoordelijke had uiterlijk op {DateText.Nl(deadline.DueDate)} moeten reageren (artikel 12 lid 3 AVG) " +
        "maar heeft dat niet gedaan. Betrokkene verzoekt de Autoriteit Persoonsgegevens de klacht te behandelen en de " +
        "verwerkingsverantwoordelijke te bevelen het verzoek in te willigen (artikel 58 lid 2 onder c AVG).";
}

/// <summary>
/// A warning point before the deadline (e.g. 7 and 1 days before). Each warning carries the due date it was computed
/// for, so one made for a deadline that has since moved (an extension, an identity check) does nothing at the old date
/// but schedules itself for the same number of days before the new deadline: the warnings follow the deadline without
/// whoever moved it having to find them. A warning of the current deadline is counted for the dashboards and has a
/// reminder to the controller prepared for the victim's approval, once per deadline, unless the request no longer waits.
/// </summary>
public static partial class ErasureDeadlineWarningHandler
{
    public static async Task HandleAsync(
        ErasureDeadlineWarning message, MessageContext context, EventStore.EventStore store, DeadlineEngine engine, LetterWorkflow workflow,
        TimeProvider time, ILogger<ErasureDeadlineWarning> logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(workflow);
        var session = store.OpenSession(context.Connection, context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var request = (await session.Events.FetchStreamAsync(message.RequestId, cancellationToken: cancellationToken))
            .Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
        var now = time.GetUtcNow();
        if (request.Status != ErasureRequestStatus.Sent)
        {
            return;
        }
        var deadline = request.AnswerDeadline(engine, engine.LocalDate(now, request.ControllerCountry))!;
        if (deadline.IsExpiredAt(now))
        {
            return;
        }
        if (request.IsPaused)
        {
            // The deadline moves on every day the controller waits for the victim: look again tomorrow.
            context.Schedule(message, now.AddDays(1));
            return;
        }
        var point = engine.WarningPoints(deadline, message.DaysBefore).Single();
        if (message.DueDate != deadline.DueDate && point.At > now)
        {
            context.Schedule(message with { DueDate = deadline.DueDate }, point.At);
            return;
        }

        TakedownMetrics.DeadlineWarnings.Add(1, new KeyValuePair<string, object?>("days_before", message.DaysBefore));
        LogWarningPoint(logger, message.RequestId, message.DaysBefore);
        await workflow.PrepareReminderAsync(session, context.Outbox, request.Id, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
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
        await workflow.PrepareApDossierAsync(session, message.ComplaintId, sendThrough: context.Outbox, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}
