using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Api.Portal;

public enum ClockStepKind
{
    /// <summary>The controller extended the answer period by two months (GDPR Art. 12(3)).</summary>
    Extended,

    /// <summary>The controller asked to verify the victim's identity: the clock stops (GDPR Art. 12(6)).</summary>
    Paused,

    /// <summary>The identity question was answered: the clock runs again.</summary>
    Resumed,
}

/// <summary>
/// A turn in an erasure request's clock: <see cref="On"/> is the day it happened; <see cref="Until"/> is the new due
/// date of an extension, or the day a pause ended.
/// </summary>
public sealed record ClockStep(ClockStepKind Kind, DateOnly On, DateOnly? Until = null);

/// <summary>
/// The turns in an erasure request's GDPR clock, read from its events: the read model keeps only the current due date,
/// and a victim who sees it move deserves to know why.
/// </summary>
public static class RequestClock
{
    public static IReadOnlyList<ClockStep> Steps(IEnumerable<object> events, DeadlineEngine engine)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(engine);
        var state = ErasureRequest.Initial;
        var steps = new List<ClockStep>();
        foreach (var e in events)
        {
            state = ErasureRequest.Evolve(state, e);
            switch (e)
            {
                case ExtensionClaimed claimed:
                    var on = engine.LocalDate(claimed.ClaimedAt, state.ControllerCountry);
                    // The due date as the extension made it; a later pause moves it again, and the deadline line says so.
                    steps.Add(new ClockStep(ClockStepKind.Extended, on, state.AnswerDeadline(engine, on)?.DueDate));
                    break;
                case IdentityCheckRequested requested:
                    steps.Add(new ClockStep(ClockStepKind.Paused, requested.PausedOn));
                    break;
                case IdentityCheckAnswered answered:
                    var paused = steps.FindLastIndex(s => s.Kind == ClockStepKind.Paused && s.Until is null);
                    if (paused >= 0)
                    {
                        steps[paused] = steps[paused] with { Until = answered.ResumedOn };
                        steps.Add(new ClockStep(ClockStepKind.Resumed, answered.ResumedOn));
                    }
                    break;
            }
        }
        return steps;
    }
}
