using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using NpgsqlTypes;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.ControllerDirectory;

/// <summary>What an import did: records new to the database, changed, unchanged, and changed upstream under an operator's own record (which still wins).</summary>
public sealed record DirectoryImportResult(int Records, int Inserted, int Updated, int Unchanged, int KeptOwn, TimeSpan Took);

/// <summary>One entry of a record's audit trail.</summary>
public sealed record DirectoryAuditEntry(string Action, string Actor, string Reason, int Version, DateTimeOffset At, JsonObject? Before, JsonObject? After);

/// <summary>
/// The controller directory in PostgreSQL: the import of a snapshot, typo-tolerant search (pg_trgm), and the operators'
/// own records, which win over imported ones and leave an audit trail.
/// </summary>
/// <remarks>
/// Searches are answered from memory for <see cref="SearchCacheAge"/> when the same text was searched before (victims
/// look for the same few companies, and search as they type): a search costs the database a trigram index scan, a
/// cached one nothing. A change made through this instance (an import, an operator's record) is seen by the next search
/// at once; one made through another host's instance, within <see cref="SearchCacheAge"/>. Picking a record always reads
/// it afresh (<see cref="GetAsync"/>), so a request never keeps a stale record.
/// </remarks>
public sealed class DirectoryRecords(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time) : IDisposable
{
    private readonly MemoryCache searches = new(new MemoryCacheOptions { SizeLimit = SearchCacheEntries });
    private long generation;

    private string Schema => options.Schema;

    /// <summary>The most results a search returns.</summary>
    public const int MaxResults = 25;

    /// <summary>How many searches' answers are kept in memory (at most 25 records each).</summary>
    public const int SearchCacheEntries = 1_000;

    /// <summary>How long a search's answer is reused.</summary>
    public static readonly TimeSpan SearchCacheAge = TimeSpan.FromSeconds(30);

    public void Dispose() => searches.Dispose();

    /// <summary>
    /// Loads a snapshot. Idempotent: a record whose upstream text did not change is not touched (its version stays), a
    /// changed one is updated in place and its version goes up, a new one is added; nothing is ever duplicated. Where
    /// operators keep their own record, the imported one is still refreshed underneath, and theirs keeps counting.
    /// Records missing from a newer snapshot stay: a request may name them.
    /// </summary>
    public async Task<DirectoryImportResult> ImportAsync(IReadOnlyList<SnapshotRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var started = time.GetUtcNow();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Two hosts starting at once import one after the other; the second finds nothing to do.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('takedown-directory-import', 0))", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        int inserted, updated, keptOwn;
        await using (var command = new NpgsqlCommand($"""
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::real[]) AS i(kind, slug, record, sha, search_text, boost)
            ), written AS (
                INSERT INTO {Schema}.directory_records AS d (kind, slug, imported, imported_sha256, imported_at, version, search_text, boost, updated_at)
                SELECT kind, slug, record, sha, $7, 1, search_text, boost, $7 FROM input
                ON CONFLICT (kind, slug) DO UPDATE SET
                    imported = excluded.imported, imported_sha256 = excluded.imported_sha256, imported_at = excluded.imported_at,
                    version = CASE WHEN d.own IS NULL THEN d.version + 1 ELSE d.version END,
                    search_text = CASE WHEN d.own IS NULL THEN excluded.search_text ELSE d.search_text END,
                    boost = CASE WHEN d.own IS NULL THEN excluded.boost ELSE d.boost END,
                    updated_at = CASE WHEN d.own IS NULL THEN excluded.updated_at ELSE d.updated_at END
                WHERE d.imported_sha256 IS DISTINCT FROM excluded.imported_sha256
                RETURNING (xmax = 0) AS inserted, d.own IS NOT NULL AS own)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted AND NOT own), count(*) FILTER (WHERE NOT inserted AND own)
            FROM written
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Kind == DirectoryKind.Company ? "company" : "authority").ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Slug).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Sha256).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => DirectoryEntry.SearchText(r.Slug, r.Record)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => DirectoryEntry.Boost(r.Record)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = started });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (inserted, updated, keptOwn) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
        }
        var unchanged = records.Count - inserted - updated - keptOwn;
        if (inserted + updated + keptOwn > 0)
        {
            await using var log = new NpgsqlCommand($"""
                INSERT INTO {Schema}.directory_imports (snapshot_sha256, records, inserted, updated, unchanged, kept_own, started_at, finished_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, connection, transaction);
            foreach (var value in new object[] { DirectorySnapshot.Fingerprint(records), records.Count, inserted, updated, unchanged, keptOwn, started, time.GetUtcNow() })
            {
                log.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await log.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref generation);
        return new DirectoryImportResult(records.Count, inserted, updated, unchanged, keptOwn, clock.Elapsed);
    }

    /// <summary>
    /// Records matching <paramref name="query"/> by name, brand, web domain or e-mail domain, tolerant of typos (trigram
    /// word similarity), best first; among equally good matches those relevant to the Netherlands and checked by a person
    /// (<see cref="DirectoryEntry.Boost"/>). With an empty query and a <paramref name="category"/>, that category's records.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> SearchAsync(
        string? query, string? category = null, DirectoryKind kind = DirectoryKind.Company, int limit = 10, CancellationToken cancellationToken = default)
    {
        var q = (query ?? "").Trim().ToLowerInvariant();
        limit = Math.Clamp(limit, 1, MaxResults);
        if (q.Length == 0 && category is null)
        {
            return [];
        }
        var key = (Interlocked.Read(ref generation), kind, category, limit, q);
        if (searches.TryGetValue(key, out IReadOnlyList<DirectoryEntry>? cached) && cached is not null)
        {
            return cached;
        }
        var found = await SearchDatabaseAsync(q, category, kind, limit, cancellationToken);
        searches.Set(key, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = SearchCacheAge });
        return found;
    }

    private async Task<IReadOnlyList<DirectoryEntry>> SearchDatabaseAsync(
        string q, string? category, DirectoryKind kind, int limit, CancellationToken cancellationToken)
    {
        // One statement, one round trip, no transaction (DirectorySchema's second step says how the search is shaped).
        await using var command = dataSource.CreateCommand(q.Length == 0
            ? $"""
                SELECT kind, slug, version, coalesce(own, imported), own IS NOT NULL FROM {Schema}.directory_records
                WHERE kind = $1 AND coalesce(own, imported)->'categories' ? $3
                ORDER BY boost DESC, coalesce(own, imported)->>'name' LIMIT $2
                """
            : $"SELECT kind, slug, version, record, own FROM {Schema}.directory_search($1, $4, $3, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)category ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        if (q.Length > 0)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = q });
        }
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>One record, or null.</summary>
    public async Task<DirectoryEntry?> GetAsync(DirectoryKind kind, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT kind, slug, version, coalesce(own, imported), own IS NOT NULL FROM {Schema}.directory_records WHERE kind = $1 AND slug = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var found = await ReadAsync(command, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>
    /// Where AP complaints are lodged, from the AP's record (<see cref="ApContact.RecordId"/>); the built-in addresses in a
    /// database without the directory's tables (a worker's, before an API host ever made them).
    /// </summary>
    public async Task<ApContact> ApContactAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return ApContact.From(await GetAsync(DirectoryKind.Authority, ApContact.RecordId, cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return ApContact.BuiltIn;
        }
    }

    /// <summary>The record as it counts, in the upstream format, or null.</summary>
    public async Task<JsonObject?> RecordAsync(DirectoryKind kind, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT coalesce(own, imported)::text FROM {Schema}.directory_records WHERE kind = $1 AND slug = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? JsonNode.Parse(json) as JsonObject : null;
    }

    /// <summary>Every data protection authority, by name.</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> AuthoritiesAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT kind, slug, version, coalesce(own, imported), own IS NOT NULL FROM {Schema}.directory_records WHERE kind = 'authority' ORDER BY slug");
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Adds or corrects a record as the operators' own: it wins over the imported one from now on, also after later
    /// imports. The record must be in the upstream format (<see cref="DirectoryRecordRules"/>); its slug is
    /// <paramref name="id"/>. Saving the same record again changes nothing. Returns the record as it now counts.
    /// </summary>
    public async Task<DirectoryEntry> SaveOwnAsync(DirectoryKind kind, string id, JsonObject record, string actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        record = (JsonObject)record.DeepClone();
        record["slug"] = id;
        var json = record.ToJsonString();
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? before = null;
        string? ownBefore = null;
        var version = 0;
        await using (var select = new NpgsqlCommand(
            $"SELECT coalesce(own, imported)::text, own::text, version FROM {Schema}.directory_records WHERE kind = $1 AND slug = $2 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
            select.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                before = reader.GetString(0);
                ownBefore = reader.IsDBNull(1) ? null : reader.GetString(1);
                version = reader.GetInt32(2);
            }
        }
        if (ownBefore is not null && JsonNode.DeepEquals(JsonNode.Parse(ownBefore), record))
        {
            return DirectoryEntry.From(kind, id, version, true, record);
        }
        version++;
        await using (var write = new NpgsqlCommand($"""
            INSERT INTO {Schema}.directory_records AS d (kind, slug, own, own_by, own_at, version, search_text, boost, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5)
            ON CONFLICT (kind, slug) DO UPDATE SET own = excluded.own, own_by = excluded.own_by, own_at = excluded.own_at,
                version = excluded.version, search_text = excluded.search_text, boost = excluded.boost, updated_at = excluded.updated_at
            """, connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
            write.Parameters.Add(new NpgsqlParameter { Value = id });
            write.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            write.Parameters.Add(new NpgsqlParameter { Value = actor });
            write.Parameters.Add(new NpgsqlParameter { Value = now });
            write.Parameters.Add(new NpgsqlParameter { Value = version });
            write.Parameters.Add(new NpgsqlParameter { Value = DirectoryEntry.SearchText(id, record) });
            write.Parameters.Add(new NpgsqlParameter { Value = DirectoryEntry.Boost(record) });
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        await AuditAsync(connection, transaction, kind, id, before is null ? "own-record-added" : "own-record-saved", actor, reason, before, json, version, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref generation);
        return DirectoryEntry.From(kind, id, version, true, record);
    }

    /// <summary>
    /// Withdraws the operators' own record: the imported one counts again. A record only the operators ever had cannot
    /// be withdrawn this way (a request may name it). Returns the record as it now counts, or null when there is nothing to withdraw.
    /// </summary>
    public async Task<DirectoryEntry?> RemoveOwnAsync(DirectoryKind kind, string id, string actor, string reason, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            WITH old AS (SELECT own::text AS own FROM {Schema}.directory_records WHERE kind = $1 AND slug = $2 AND own IS NOT NULL AND imported IS NOT NULL FOR UPDATE)
            UPDATE {Schema}.directory_records d SET own = NULL, own_by = NULL, own_at = NULL, version = d.version + 1, updated_at = $3
            FROM old WHERE d.kind = $1 AND d.slug = $2
            RETURNING old.own, d.imported::text, d.version
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        string before, after;
        int version;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            (before, after, version) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
        }
        var imported = (JsonObject)JsonNode.Parse(after)!;
        await using (var search = new NpgsqlCommand($"UPDATE {Schema}.directory_records SET search_text = $3, boost = $4 WHERE kind = $1 AND slug = $2", connection, transaction))
        {
            search.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
            search.Parameters.Add(new NpgsqlParameter { Value = id });
            search.Parameters.Add(new NpgsqlParameter { Value = DirectoryEntry.SearchText(id, imported) });
            search.Parameters.Add(new NpgsqlParameter { Value = DirectoryEntry.Boost(imported) });
            await search.ExecuteNonQueryAsync(cancellationToken);
        }
        await AuditAsync(connection, transaction, kind, id, "own-record-removed", actor, reason, before, after, version, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref generation);
        return DirectoryEntry.From(kind, id, version, false, imported);
    }

    /// <summary>A record's audit trail, oldest first.</summary>
    public async Task<IReadOnlyList<DirectoryAuditEntry>> AuditTrailAsync(DirectoryKind kind, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT action, actor, reason, version, at, before::text, after::text FROM {Schema}.directory_audit WHERE kind = $1 AND slug = $2 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DirectoryAuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DirectoryAuditEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : JsonNode.Parse(reader.GetString(5)) as JsonObject,
                reader.IsDBNull(6) ? null : JsonNode.Parse(reader.GetString(6)) as JsonObject));
        }
        return list;
    }

    private async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DirectoryKind kind, string id, string action, string actor, string reason,
        string? before, string after, int version, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var audit = new NpgsqlCommand($"""
            INSERT INTO {Schema}.directory_audit (kind, slug, action, actor, reason, before, after, version, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, connection, transaction);
        audit.Parameters.Add(new NpgsqlParameter { Value = Kind(kind) });
        audit.Parameters.Add(new NpgsqlParameter { Value = id });
        audit.Parameters.Add(new NpgsqlParameter { Value = action });
        audit.Parameters.Add(new NpgsqlParameter { Value = actor });
        audit.Parameters.Add(new NpgsqlParameter { Value = reason });
        audit.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        audit.Parameters.Add(new NpgsqlParameter { Value = after, NpgsqlDbType = NpgsqlDbType.Jsonb });
        audit.Parameters.Add(new NpgsqlParameter { Value = version });
        audit.Parameters.Add(new NpgsqlParameter { Value = at });
        await audit.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Kind(DirectoryKind kind) => kind == DirectoryKind.Company ? "company" : "authority";

    private static async Task<IReadOnlyList<DirectoryEntry>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DirectoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetString(0) == "company" ? DirectoryKind.Company : DirectoryKind.Authority;
            var record = (JsonObject)JsonNode.Parse(reader.GetString(3))!;
            list.Add(DirectoryEntry.From(kind, reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(4), record));
        }
        return list;
    }
}
