namespace Takedown.Testing;

/// <summary>A clock the test moves by hand; timers fire when the time passes their due time.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by) => SetUtcNow(GetUtcNow() + by);

    /// <summary>
    /// Called with how far the clock moved, after it moved: lets a test move what is scheduled on the system clock
    /// (Wolverine's scheduled messages) by as much.
    /// </summary>
    public event Action<TimeSpan>? Moved;

    /// <summary>Called before the clock moves: lets a test wait until nothing is being handled with the old time.</summary>
    public event Action? Moving;

    public void SetUtcNow(DateTimeOffset now)
    {
        Moving?.Invoke();
        List<ManualTimer> due;
        TimeSpan moved;
        lock (_gate)
        {
            moved = now.ToUniversalTime() - _now;
            _now = now.ToUniversalTime();
            due = _timers.Where(t => t.DueAt <= now).ToList();
        }
        Moved?.Invoke(moved);
        foreach (var timer in due)
        {
            timer.Fire(now);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueAt = DateTimeOffset.MaxValue;
                    return true;
                }
                DueAt = owner._now + dueTime;
                owner._timers.Add(this);
            }
            if (dueTime <= TimeSpan.Zero)
            {
                Fire(owner.GetUtcNow());
            }
            return true;
        }

        public void Fire(DateTimeOffset now)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    DueAt = now + _period;
                    owner._timers.Add(this);
                }
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
