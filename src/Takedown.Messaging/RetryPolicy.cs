namespace Takedown.Messaging;

/// <summary>
/// How often a failing message is tried and how long to wait between tries: exponential backoff from
/// <see cref="FirstDelay"/> doubling up to <see cref="MaxDelay"/>, with jitter so that messages failing
/// together (a platform that is down) do not all come back at the same instant.
/// </summary>
/// <param name="MaxAttempts">Attempts in all (the first delivery included) before the message is dead-lettered.</param>
/// <param name="FirstDelay">The wait after the first failure.</param>
/// <param name="MaxDelay">The longest wait between two tries.</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static readonly RetryPolicy Default = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <summary>The wait before the next try after <paramref name="failedAttempt"/> (1-based) failed.</summary>
    /// <param name="failedAttempt">The attempt that just failed, starting at 1.</param>
    /// <param name="random">A number in [0, 1), drawn by the caller so tests can pin it.</param>
    public TimeSpan DelayAfter(int failedAttempt, double random)
    {
        var exponent = Math.Clamp(failedAttempt - 1, 0, 30);
        var ceiling = Math.Min(FirstDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        // "Equal jitter": at least half the backoff, so retries still slow down, plus a random other half.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * random));
    }
}
