using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace Takedown.Application.EventStorage;

/// <summary>
/// How the application opens Marten sessions and loads streams: every session is stamped with who and what caused
/// its events, a session may run inside a transaction the caller owns (a message handler's, an endpoint's that writes
/// other rows too), and aggregates are folded by their own pure <c>Evolve</c> (registered once in
/// <see cref="MartenSetup"/>).
/// </summary>
public static class Sessions
{
    /// <summary>A session with its own connection and transaction, opened when it saves.</summary>
    public static IDocumentSession LightweightSession(this IDocumentStore store, EventMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(store);
        var session = store.LightweightSession();
        session.Stamp(metadata);
        return session;
    }

    /// <summary>
    /// A session inside <paramref name="transaction"/>: saving writes the events and inline projections but does not
    /// commit, so the caller's other writes commit or roll back with them.
    /// </summary>
    public static IDocumentSession OpenSession(this IDocumentStore store, NpgsqlTransaction transaction, EventMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transaction);
        var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.Stamp(metadata);
        return session;
    }

    /// <summary>The events of one stream in version order, read on a query session of its own.</summary>
    public static async Task<IReadOnlyList<IEvent>> FetchStreamAsync(
        this IDocumentStore store, Guid streamId, long version = 0, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamAsync(streamId, version, timestamp, token: cancellationToken);
    }

    /// <summary>Several whole streams in one round trip, each in version order; a stream without events is absent.</summary>
    public static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<IEvent>>> FetchStreamsAsync(
        this IQuerySession session, IReadOnlyCollection<Guid> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(streamIds);
        if (streamIds.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlyList<IEvent>>();
        }
        Guid[] ids = [.. streamIds];
        var events = await session.Events.QueryAllRawEvents().Where(e => ids.Contains(e.StreamId)).ToListAsync(cancellationToken);
        return events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)[.. g.OrderBy(e => e.Version)]);
    }

    /// <summary>Folds a stream with a pure evolve function; the state and the stream's version (0: no stream).</summary>
    public static async Task<(T State, long Version)> AggregateStreamAsync<T>(
        this IDocumentStore store, Guid streamId, T initial, Func<T, object, T> evolve, long version = 0, DateTimeOffset? timestamp = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await store.FetchStreamAsync(streamId, version, timestamp, cancellationToken);
        return (events.Aggregate(initial, (state, e) => evolve(state, e.Data)), events.Count == 0 ? 0 : events[^1].Version);
    }

    /// <summary>
    /// Loads a stream for a decision (Marten's <c>FetchForWriting</c>): its state (<paramref name="initial"/> when the
    /// stream does not exist yet) and its version, which the appended events must still follow when the session saves,
    /// or saving fails with a concurrency conflict and writes nothing.
    /// </summary>
    public static async Task<EventStream<T>> FetchForWritingAsync<T>(
        this IDocumentSession session, Guid streamId, T initial, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(session);
        return new EventStream<T>(session, await session.Events.FetchForWriting<T>(streamId, cancellationToken), initial);
    }

    /// <summary>Several streams for decisions in one round trip, each as <see cref="FetchForWritingAsync{T}"/>.</summary>
    public static async Task<IReadOnlyDictionary<Guid, EventStream<T>>> FetchManyForWritingAsync<T>(
        this IDocumentSession session, IEnumerable<Guid> streamIds, T initial, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(session);
        Guid[] ids = [.. streamIds.Distinct()];
        var streams = await session.Events.FetchManyForWriting<T>(ids, cancellationToken);
        return ids.Select((id, i) => (id, stream: new EventStream<T>(session, streams[i], initial))).ToDictionary(s => s.id, s => s.stream);
    }

    /// <summary>The event's data as a <typeparamref name="T"/>, or null when it is another type.</summary>
    public static T? As<T>(this IEvent e) where T : class
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Data as T;
    }

    /// <summary>The actor stored with an event (<see cref="EventMetadata.Actor"/>), or null.</summary>
    public static string? Actor(this IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Headers is { } headers && headers.TryGetValue(MartenSetup.ActorHeader, out var actor) ? actor?.ToString() : null;
    }
}

/// <summary>
/// A stream loaded for a decision: the state it was decided on and what is appended to it. Appending is checked
/// against the version it was loaded at when the session saves.
/// </summary>
public sealed class EventStream<T> where T : class
{
    private readonly IDocumentSession _session;
    private readonly IEventStream<T> _stream;

    internal EventStream(IDocumentSession session, IEventStream<T> stream, T initial)
    {
        _session = session;
        _stream = stream;
        Aggregate = stream.Aggregate ?? initial;
    }

    public Guid Id => _stream.Id;

    /// <summary>The state the decision is made on (the stream's initial state when it has no events yet).</summary>
    public T Aggregate { get; }

    /// <summary>The stream's version when it was loaded (0: no stream yet).</summary>
    public long StartingVersion => _stream.StartingVersion ?? 0;

    /// <summary>The version after what was appended so far.</summary>
    public long CurrentVersion => _stream.CurrentVersion ?? 0;

    public void AppendOne(object @event) => _stream.AppendOne(@event);

    public void AppendMany(IEnumerable<object> events) => _stream.AppendMany(events);

    /// <summary>
    /// Appends events with metadata of their own, different from the session's (one session writing what several
    /// webhooks caused, each with its own correlation and actor).
    /// </summary>
    public void AppendMany(IEnumerable<object> events, EventMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var data in events)
        {
            var e = _session.Events.BuildEvent(data);
            e.CorrelationId = metadata.CorrelationId;
            e.CausationId = metadata.CausationId;
            if (metadata.Actor is { } actor)
            {
                e.SetHeader(MartenSetup.ActorHeader, actor);
            }
            if (metadata.TraceParent is { } traceParent)
            {
                e.SetHeader(MartenSetup.TraceParentHeader, traceParent);
            }
            _stream.AppendOne(e);
        }
    }
}
