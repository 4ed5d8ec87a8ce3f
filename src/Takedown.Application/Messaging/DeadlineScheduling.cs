using Wolverine;

namespace Takedown.Application.Messaging;

/// <summary>
/// Deadline checks are due at instants on the application's clock (<see cref="TimeProvider"/>); Wolverine schedules
/// on the system clock. A check is therefore sent with the delay from now to its instant, which is the same thing
/// on the system clock and keeps a test's clock and Wolverine's in step.
/// </summary>
public static class DeadlineScheduling
{
    /// <summary><paramref name="message"/>, to be handled at <paramref name="at"/> (at once if that has passed).</summary>
    public static DeliveryMessage<T> At<T>(T message, DateTimeOffset at, TimeProvider time) =>
        message.DelayedFor(DelayUntil(at, time) ?? TimeSpan.Zero);

    /// <summary>Schedules <paramref name="message"/> for <paramref name="at"/> on <paramref name="bus"/> (an outbox enrolled in the caller's transaction).</summary>
    public static ValueTask ScheduleAtAsync<T>(this IMessageBus bus, T message, DateTimeOffset at, TimeProvider time) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(bus);
        return DelayUntil(at, time) is { } delay ? bus.PublishAsync(message, new DeliveryOptions { ScheduleDelay = delay }) : bus.PublishAsync(message);
    }

    /// <summary>How long from now on <paramref name="time"/> until <paramref name="at"/>; null when it has passed.</summary>
    private static TimeSpan? DelayUntil(DateTimeOffset at, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var delay = at - time.GetUtcNow();
        return delay > TimeSpan.Zero ? delay : null;
    }
}
