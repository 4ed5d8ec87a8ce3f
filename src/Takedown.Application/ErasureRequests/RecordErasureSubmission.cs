using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Wolverine;

namespace Takedown.Application.ErasureRequests;

/// <summary>
/// The victim sent a request that goes by post or on the controller's web form, and says when it reached the
/// controller: the GDPR Art. 12(3) month runs from that day, so its checks are scheduled as for an e-mailed request
/// (the deadline check, the warnings before it, the notice to the victim).
/// </summary>
public static class RecordErasureSubmissionHandler
{
    /// <summary>
    /// Records the day of receipt; <paramref name="outbox"/> and <paramref name="deadlines"/> (Wolverine's outbox, for the
    /// deadline checks) commit with <paramref name="session"/>. Repeating the same day changes nothing.
    /// </summary>
    public static async Task RecordAsync(
        IDocumentSession session, IMessageOutbox outbox, IMessageBus deadlines, DeadlineEngine engine, LetterSettings settings, TimeProvider time, Guid requestId, DateOnly receivedOn,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(deadlines);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var (events, request) = await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
            new RecordErasureSubmission(requestId, receivedOn, engine.LocalDate(now, DeadlineEngine.VictimCountry), now), state, engine), cancellationToken);
        if (events.Count == 0 || request.AnswerDeadline(engine) is not { } deadline)
        {
            return;
        }
        await deadlines.ScheduleAtAsync(new CheckErasureDeadline(requestId), deadline.DueAt, time);
        foreach (var warning in engine.WarningPoints(deadline, settings.WarningDaysBefore).Where(w => w.At > now))
        {
            await deadlines.ScheduleAtAsync(new ErasureDeadlineWarning(requestId, warning.DaysBefore, deadline.DueDate), warning.At, time);
        }
        outbox.Publish(new NotifyVictim(requestId, VictimNoticeKind.Sent));
    }
}
