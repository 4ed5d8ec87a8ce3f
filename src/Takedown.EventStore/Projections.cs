using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Takedown.EventStore;

/// <summary>When a projection sees new events.</summary>
public enum ProjectionLifecycle
{
    /// <summary>In the appending transaction: the read model is never behind, appends pay for it.</summary>
    Inline,

    /// <summary>By the projection daemon, shortly after the commit, in order, never skipping an event.</summary>
    Async,
}

/// <summary>The transaction a projection writes in, and the store it belongs to.</summary>
public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction, EventStore Store)
{
    public string Schema => Store.Options.Schema;

    /// <summary>A whole stream, read in the projection's transaction (so it includes the events being applied).</summary>
    public Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(Guid streamId, CancellationToken cancellationToken = default) =>
        Store.FetchStreamAsync(Connection, Transaction, streamId, null, null, cancellationToken);

    /// <summary>Several whole streams in one round trip, each in version order; a stream without events is absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<StoredEvent>>> FetchStreamsAsync(
        IEnumerable<Guid> streamIds, CancellationToken cancellationToken = default) =>
        (await Store.FetchStreamsAsync(Connection, Transaction, [.. streamIds.Distinct()], cancellationToken))
            .ToDictionary(s => s.Key, s => (IReadOnlyList<StoredEvent>)s.Value);
}

/// <summary>A read model kept from the events. Applying the same event twice must be harmless.</summary>
public interface IProjection
{
    /// <summary>A stable name: the daemon's progress and the documents are stored under it.</summary>
    string Name { get; }

    ProjectionLifecycle Lifecycle { get; }

    /// <summary>Applies events (in order) within the context's transaction.</summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    /// <summary>Deletes the read model, before a rebuild from the first event.</summary>
    Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken);
}

/// <summary>
/// One document per stream, kept as jsonb in the documents table by a pure <see cref="Apply"/>
/// (Marten's single-stream projection). Events already applied (by stream version) are skipped.
/// </summary>
public abstract class SingleStreamProjection<TDoc> : IProjection where TDoc : class
{
    public abstract string Name { get; }

    public virtual ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    /// <summary>The next document from the current one (null: none yet) and an event; null deletes it.</summary>
    protected abstract TDoc? Apply(TDoc? current, StoredEvent stored);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var json = context.Store.Options.Json;
        var ids = events.Select(e => e.StreamId).Distinct().ToArray();
        var docs = new Dictionary<Guid, (TDoc? Doc, long Version)>();
        await using (var load = new NpgsqlCommand(
            $"SELECT id, data::text, version FROM {context.Schema}.documents WHERE type = @type AND id = ANY(@ids)",
            context.Connection, context.Transaction))
        {
            load.Parameters.AddWithValue("type", Name);
            load.Parameters.AddWithValue("ids", ids);
            await using var reader = await load.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                docs[reader.GetGuid(0)] = (JsonSerializer.Deserialize<TDoc>(reader.GetString(1), json), reader.GetInt64(2));
            }
        }
        var changed = new HashSet<Guid>();
        foreach (var e in events)
        {
            var (doc, version) = docs.GetValueOrDefault(e.StreamId);
            if (e.Version <= version)
            {
                continue;
            }
            docs[e.StreamId] = (Apply(doc, e), e.Version);
            changed.Add(e.StreamId);
        }
        if (changed.Count == 0)
        {
            return;
        }
        var now = context.Store.Time.GetUtcNow();
        var upserts = changed.Where(id => docs[id].Doc is not null).ToArray();
        var deletes = changed.Where(id => docs[id].Doc is null).ToArray();
        await using var write = new NpgsqlBatch(context.Connection, context.Transaction);
        var upsert = new NpgsqlBatchCommand($"""
            INSERT INTO {context.Schema}.documents (type, id, data, version, updated_at)
            SELECT @type, d.id, d.data, d.version, @now FROM unnest(@ids, @datas, @versions) AS d(id, data, version)
            ON CONFLICT (type, id) DO UPDATE SET data = excluded.data, version = excluded.version, updated_at = excluded.updated_at
            """);
        upsert.Parameters.AddWithValue("type", Name);
        upsert.Parameters.AddWithValue("now", now);
        upsert.Parameters.AddWithValue("ids", upserts);
        upsert.Parameters.Add(new NpgsqlParameter("datas", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = upserts.Select(id => JsonSerializer.Serialize(docs[id].Doc, json)).ToArray(),
        });
        upsert.Parameters.AddWithValue("versions", upserts.Select(id => docs[id].Version).ToArray());
        write.BatchCommands.Add(upsert);
        var delete = new NpgsqlBatchCommand($"DELETE FROM {context.Schema}.documents WHERE type = @type AND id = ANY(@dids)");
        delete.Parameters.AddWithValue("type", Name);
        delete.Parameters.AddWithValue("dids", deletes);
        write.BatchCommands.Add(delete);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {context.Schema}.documents WHERE type = @type", context.Connection, context.Transaction);
        command.Parameters.AddWithValue("type", Name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
