using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application;

/// <summary>The A-frame step every command takes: load the stream's state, decide purely, append what was decided.</summary>
public static class Decisions
{
    /// <summary>
    /// Loads <paramref name="streamId"/> into state, runs the pure <paramref name="decide"/> and appends its events at
    /// the version the decision was made on (a concurrent change makes saving fail with a conflict). Returns the
    /// events decided (empty when the command had already taken effect) and the state after them.
    /// </summary>
    public static async Task<(IReadOnlyList<object> Events, TState State)> DecideAsync<TState>(
        this IDocumentSession session, Guid streamId, TState initial, Func<TState, object, TState> evolve,
        Func<TState, object[]> decide, CancellationToken cancellationToken = default)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(decide);
        var stream = await session.FetchForWritingAsync(streamId, initial, cancellationToken);
        var events = decide(stream.Aggregate);
        stream.AppendMany(events);
        return (events, events.Aggregate(stream.Aggregate, evolve));
    }
}
