using System.Collections.Generic;
using Microsoft.Extensions.Options;
using Takedown.Application.Messaging;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Sending;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

using Wolverine;
using Wolverine.Runtime;
using MessageContext = Takedown.Messaging.MessageContext;

namespace Takedown.Application.Letters;

/// <summary>
/// Sends a letter that may go, with a Message-ID derived from the letter id (a retry never makes a second, different
/// letter), and records the proof of sending. An erasure request's letter starts its clock: the request is sent,
/// received the same day, and its deadline check and warnings are scheduled. Transient SMTP failures are retried by the
/// messaging engine; a permanent refusal is recorded for the operators.
/// </summary>
public static class SendLetterHandler
{
    public static async Task HandleAsync(
        SendLetter message, MessageContext context, IDocumentStore store, MailSender sender, LetterWorkflow workflow,
        LetterDeliveries deliveries, DeadlineEngine engine, IOptions<LetterSettings> settings, TimeProvider time, IWolverineRuntime wolverine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(deliveries);
        var session = store.OpenSession(context.Transaction, new EventMetadata(context.CorrelationId, context.MessageId.ToString(), "system"));
        var events = await session.Events.FetchStreamAsync(message.LetterId, token: cancellationToken);
        var letter = events.Aggregate(Letter.Initial, (s, e) => Letter.Evolve(s, e.Data));
        // An AP dossier is never e-mailed: the AP takes complaints through its form or by post (dossiers queued when
        // automatic escalation still e-mailed them stay unsent, and their complaints wait to be lodged).
        if (letter.Status == LetterStatus.Sent || !letter.MaySend || letter.Kind == nameof(Takedown.Letters.Composing.LetterKind.ApComplaintDossier))
        {
            return;
        }
        var prepared = events.Select(e => e.Data).OfType<LetterPrepared>().First();
        var composed = LetterWorkflow.Composed(prepared);
        // Formal letters go with their PDF (to print or file); notices to the victim are plain e-mails.
        var pdf = letter.Kind is nameof(Takedown.Letters.Composing.LetterKind.ErasureRequest) or nameof(Takedown.Letters.Composing.LetterKind.DeadlineReminder)
            ? LetterWorkflow.RenderPdf(prepared)
            : null;
        // An earlier attempt may have reached the SMTP server and then lost its transaction: record that one, do not resend.
        var receipt = await deliveries.FindAsync(context.Connection, context.Transaction, letter.Id, cancellationToken);
        try
        {
            if (receipt is null)
            {
                // Reply-To repeats the address the text asks answers to go to (letters prepared before it was stored: the request's).
                var attachments = events.Select(e => e.Data).OfType<LetterAttachmentAdded>()
                    .Select(a => new MailAttachment(a.FileName, a.ContentType, Convert.FromBase64String(a.ContentBase64))).ToList();
                receipt = await sender.SendLetterAsync(new OutgoingLetter(
                    letter.Id, prepared.RecipientEmail, prepared.RecipientName, prepared.ReplyAddress ?? workflow.ReplyAddressFor(letter.RequestId), composed, pdf,
                    $"{letter.Kind}.pdf", attachments), cancellationToken);
                await deliveries.RecordAsync(letter.Id, receipt, cancellationToken);
            }
        }
        catch (MailSendFailedException e) when (!e.IsTransient)
        {
            await session.DecideAsync(letter.Id, Letter.Initial, Letter.Evolve, state => Letter.Decide(
                new RecordLetterFailure(letter.Id, e.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.ServerReply, time.GetUtcNow()), state),
                cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
            TakedownMetrics.LettersFailed.Add(1, new KeyValuePair<string, object?>("kind", letter.Kind));
            return;
        }

        await session.DecideAsync(letter.Id, Letter.Initial, Letter.Evolve,
            state => Letter.Decide(new RecordLetterSent(letter.Id, receipt.MessageId, receipt.ServerReply, receipt.SentAt), state), cancellationToken);
        TakedownMetrics.LettersSent.Add(1, new KeyValuePair<string, object?>("kind", letter.Kind));
        switch (letter.Kind)
        {
            case nameof(Takedown.Letters.Composing.LetterKind.ErasureRequest):
                await StartTheClockAsync(session, context, await context.WolverineOutboxAsync(wolverine), letter.RequestId, receipt.SentAt, engine, settings.Value, time, cancellationToken);
                break;
            case nameof(Takedown.Letters.Composing.LetterKind.PlatformNotice):
                await FileByEmailAsync(session, await context.WolverineOutboxAsync(wolverine), letter, receipt, engine, time, cancellationToken);
                break;
            case nameof(Takedown.Letters.Composing.LetterKind.IdentityCheckAnswer):
                // GDPR Art. 12(6) with 12(3): the clock stood still while the controller waited for the identity answer;
                // it runs again from the day the service answered, as the controller then has what it asked for.
                await session.DecideAsync(letter.RequestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => state.IsPaused
                    ? ErasureRequest.Decide(new AnswerIdentityCheck(letter.RequestId, receipt.SentAt), state, engine)
                    : [], cancellationToken);
                break;
            case nameof(Takedown.Letters.Composing.LetterKind.PlatformComplaint):
                // By e-mail the platform gives no id for the complaint: the letter's Message-ID is how it is known.
                await session.DecideAsync(letter.RequestId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
                    new RecordInternalComplaintFiled(letter.RequestId, $"e-mail {receipt.MessageId}", time.GetUtcNow()), state, engine), cancellationToken);
                break;
        }
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A notice to a platform that takes notices by e-mail only is filed when the platform's server accepts it: the
    /// response target runs from then, and its check is scheduled as for a filing through an API.
    /// </summary>
    private static async Task FileByEmailAsync(
        IDocumentSession session, IMessageBus deadlines, Letter letter, SendReceipt receipt, DeadlineEngine engine, TimeProvider time, CancellationToken cancellationToken)
    {
        var (events, report) = await session.DecideAsync(letter.RequestId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
            new FilePlatformReportByEmail(letter.RequestId, letter.Id, receipt.MessageId, receipt.SentAt), state, engine), cancellationToken);
        if (events.Count == 0)
        {
            return;
        }
        if (report.ResponseDeadline(engine) is { } due)
        {
            await deadlines.ScheduleAtAsync(new CheckPlatformResponse(report.Id), due.DueAt, time);
        }
        TakedownMetrics.PlatformReportsFiled.Add(1,
            new KeyValuePair<string, object?>("category", report.Category.ToString()), new KeyValuePair<string, object?>("channel", "email"));
    }

    /// <summary>
    /// GDPR Art. 12(3): the month runs from receipt. An e-mail is received when the controller's server accepts it,
    /// so the date of receipt is the sending day in the controller's time zone.
    /// </summary>
    private static async Task StartTheClockAsync(
        IDocumentSession session, MessageContext context, IMessageBus deadlines, Guid requestId, DateTimeOffset sentAt, DeadlineEngine engine, LetterSettings settings,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, request) = await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
            new SendErasureRequest(requestId, engine.LocalDate(sentAt, state.ControllerCountry), time.GetUtcNow()), state, engine), cancellationToken);
        if (request.AnswerDeadline(engine) is not { } deadline)
        {
            return;
        }
        await deadlines.ScheduleAtAsync(new CheckErasureDeadline(requestId), deadline.DueAt, time);
        foreach (var warning in engine.WarningPoints(deadline, settings.WarningDaysBefore).Where(w => w.At > time.GetUtcNow()))
        {
            await deadlines.ScheduleAtAsync(new ErasureDeadlineWarning(requestId, warning.DaysBefore, deadline.DueDate), warning.At, time);
        }
        context.Publish(new NotifyVictim(requestId, VictimNoticeKind.Sent));
    }
}
