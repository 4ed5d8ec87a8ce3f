using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Npgsql;
using Wolverine;

namespace Takedown.Application.ErasureRequests;

/// <summary>
/// At the answer deadline (GDPR Art. 12(3)): a request still waiting for its answer has missed it. The miss is
/// recorded, the AP complaint is prepared from the request's history (<see cref="ApComplaintEscalation"/>) with its dossier
/// (the copy of what will be lodged), for the victim or an operator to lodge with the AP; the victim is told.
/// A check that finds the request answered, withdrawn or already escalated does nothing; one that finds the deadline
/// moved (an extension, an identity check) waits for the new one. So an extension reschedules the check and an answer
/// cancels it without either having to find it.
/// </summary>
public static partial class CheckErasureDeadlineHandler
{
    /// <remarks>
    /// The miss, the complaint and its dossier commit in one transaction of the handler's own: the dossier is composed
    /// from the complaint as stored, so it is read back inside that transaction. A retry after a commit finds the
    /// request escalated and does nothing.
    /// </remarks>
    public static async Task HandleAsync(
        CheckErasureDeadline message, IMessageContext context, IDocumentStore store, NpgsqlDataSource dataSource, MessageOutbox outbox,
        DeadlineEngine engine, LetterWorkflow workflow, TimeProvider time, ILogger<CheckErasureDeadline> logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(engine);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var metadata = new EventMetadata(context.CorrelationId, context.Envelope?.Id.ToString(), "system");
        var session = store.OpenSession(transaction, metadata);
        session.Enlist(outbox);
        var stream = await session.FetchForWritingAsync(message.RequestId, ErasureRequest.Initial, cancellationToken);
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
            await context.ScheduleAtAsync(message, request.IsPaused ? now.AddDays(1) : deadline.DueAt, time);
            return;
        }

        var escalation = await ApComplaintEscalation.EscalateAsync(session, outbox, stream, engine, now, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        if (escalation.Created)
        {
            await PrepareDossierAsync(store.OpenSession(transaction, metadata), workflow, escalation.ComplaintId, logger, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The complaint is reviewed and lodged with its dossier beside it. The dossier is composed from the complaint as stored,
    /// so it is made after the complaint is written (in the same transaction when <paramref name="session"/> shares it).
    /// </summary>
    public static async Task PrepareDossierAsync(IDocumentSession session, LetterWorkflow workflow, Guid complaintId, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(workflow);
        try
        {
            await workflow.PrepareApDossierAsync(session, complaintId, complainantAddress: null, cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            // A dossier needs what the letters need (the victim's name); the miss and the complaint must be recorded
            // all the same. The operator prepares the dossier from the complaint's page once the case is complete.
            LogDossierLater(logger, complaintId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AP complaint {ComplaintId} was prepared without its dossier; an operator can prepare it")]
    private static partial void LogDossierLater(ILogger logger, Guid complaintId);
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
        ErasureDeadlineWarning message, IDocumentSession session, IMessageContext context, MessageOutbox outbox, DeadlineEngine engine,
        LetterWorkflow workflow, TimeProvider time, ILogger<ErasureDeadlineWarning> logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(workflow);
        session.Enlist(outbox);
        var request = (await session.Events.FetchStreamAsync(message.RequestId, token: cancellationToken))
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
            await context.ScheduleAtAsync(message, now.AddDays(1), time);
            return;
        }
        var point = engine.WarningPoints(deadline, message.DaysBefore).Single();
        if (message.DueDate != deadline.DueDate && point.At > now)
        {
            await context.ScheduleAtAsync(message with { DueDate = deadline.DueDate }, point.At, time);
            return;
        }

        TakedownMetrics.DeadlineWarnings.Add(1, new KeyValuePair<string, object?>("days_before", message.DaysBefore));
        LogWarningPoint(logger, message.RequestId, message.DaysBefore);
        await workflow.PrepareReminderAsync(session, outbox, request.Id, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure request {RequestId} is due in {DaysBefore} day(s) and still unanswered")]
    private static partial void LogWarningPoint(ILogger logger, Guid requestId, int daysBefore);
}

/// <summary>Tells the victim, by e-mail, what happened on one of their requests.</summary>
public static class NotifyVictimHandler
{
    public static async Task HandleAsync(
        NotifyVictim message, MessageContext context, IDocumentStore store, LetterWorkflow workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workflow);
        var session = store.OpenSession(context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        await workflow.PrepareVictimNoticeAsync(session, context.Outbox, message.RequestId, message.Kind, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>
/// Messages stored when automatic escalation e-mailed the dossier to the AP: they now only prepare the dossier (for the
/// AP's form or the post), as a mail server accepting a message never lodged a complaint.
/// </summary>
public static class SendApComplaintDossierHandler
{
    public static async Task HandleAsync(
        SendApComplaintDossier message, MessageContext context, IDocumentStore store, LetterWorkflow workflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workflow);
        var session = store.OpenSession(context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var complaint = (await session.Events.FetchStreamAsync(message.ComplaintId, token: cancellationToken))
            .Aggregate(Domain.ApComplaints.ApComplaint.Initial, (s, e) => Domain.ApComplaints.ApComplaint.Evolve(s, e.Data));
        if (complaint.Dossier is { Current: true } || complaint.Status is not (Domain.ApComplaints.ApComplaintStatus.Prepared or Domain.ApComplaints.ApComplaintStatus.Reviewed))
        {
            return;
        }
        await workflow.PrepareApDossierAsync(session, message.ComplaintId, complainantAddress: null, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}
