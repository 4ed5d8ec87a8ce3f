namespace Takedown.Platforms.Tests;

/// <summary>A clock the test sets; timers and timestamps stay real, so Polly's waits still pass in real time.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
