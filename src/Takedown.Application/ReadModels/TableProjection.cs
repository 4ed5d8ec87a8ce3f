using System.Text.RegularExpressions;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;

namespace Takedown.Application.ReadModels;

/// <summary>
/// A Marten projection that keeps a relational table of ours (dashboards and lists query it with SQL: trigram search,
/// ranges by deadline), instead of a JSON document. Its writes are queued on Marten's session, so inline they commit in
/// the appending transaction and on the daemon with the projection's progress.
/// </summary>
/// <remarks>
/// Marten runs inline projections before it writes the events, so a projection that needs a whole stream reads the
/// stream's stored events and adds the ones being appended (<see cref="WholeStreamsAsync"/>). Every append to a stream
/// with an inline read model goes through <c>FetchForWriting</c> or <c>StartStream</c>: the stream's version is checked
/// when the session saves, so two sessions can never both build a row from the same stored events.
/// </remarks>
public abstract partial class TableProjection : Marten.Events.Projections.IProjection
{
    /// <summary>The projection's name for the daemon's progress and Marten's command line.</summary>
    public abstract string Name { get; }

    public abstract Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation);

    /// <summary>
    /// Queues <paramref name="sql"/> on the session, with <c>@name</c> placeholders filled from
    /// <paramref name="parameters"/> (a name may occur more than once). The SQL is code, never input.
    /// </summary>
    protected static void Queue(IDocumentOperations operations, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(sql);
        var values = parameters.ToDictionary(p => p.Name, p => p.Value ?? DBNull.Value);
        var args = new List<object>();
        var positional = Placeholder().Replace(sql, m =>
        {
            args.Add(values.TryGetValue(m.Groups[1].Value, out var value)
                ? value
                : throw new ArgumentException($"No value for @{m.Groups[1].Value}.", nameof(parameters)));
            return "?";
        });
        operations.QueueSqlCommand(positional, [.. args]);
    }

    /// <summary>
    /// The whole of each stream in <paramref name="streamIds"/>: its stored events in version order, followed by those of
    /// <paramref name="events"/> not stored yet (inline, the events being appended). One round trip for all streams.
    /// </summary>
    protected static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<IEvent>>> WholeStreamsAsync(
        IDocumentOperations operations, IReadOnlyList<IEvent> events, IReadOnlyCollection<Guid> streamIds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        Guid[] ids = [.. streamIds];
        // A stream whose first event is among those being appended (FetchForWriting and StartStream number them) has
        // nothing stored yet: read only the others, and nothing when none is left.
        var stored = await operations.FetchStreamsAsync([.. ids.Where(id => !events.Any(e => e.StreamId == id && e.Version == 1))], cancellation);
        var result = new Dictionary<Guid, IReadOnlyList<IEvent>>();
        foreach (var id in ids)
        {
            var stream = stored.TryGetValue(id, out var before) ? before.ToList() : [];
            var known = stream.Select(e => e.Id).ToHashSet();
            stream.AddRange(events.Where(e => e.StreamId == id && !known.Contains(e.Id)));
            if (stream.Count > 0)
            {
                result[id] = stream;
            }
        }
        return result;
    }

    [GeneratedRegex("@([a-z][a-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
