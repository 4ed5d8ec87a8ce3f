using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Takedown.EventStore;

/// <summary>
/// Runs the asynchronous projections. Each projection is led by one host at a time (a session advisory lock),
/// reads events only below the oldest running transaction, in (tx_id, seq) order, and stores its position in the
/// same transaction as its writes: an event is applied once and never skipped, even when transactions commit out of
/// sequence order.
/// </summary>
public sealed partial class ProjectionDaemon(EventStore store, ILogger<ProjectionDaemon> logger) : BackgroundService
{
    /// <summary>Applies every committed event a projection has not seen yet; returns how many it applied.</summary>
    public async Task<long> CatchUpAsync(IProjection projection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        long total = 0;
        int applied;
        do
        {
            applied = await RunBatchAsync(connection, projection, cancellationToken);
            total += applied;
        }
        while (applied > 0);
        return total;
    }

    /// <summary>Deletes a projection's read model and position, so it is rebuilt from the first event.</summary>
    public async Task ResetAsync(IProjection projection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var progress = new NpgsqlCommand($"""
            INSERT INTO {store.Schema}.projection_progress (name) VALUES (@name)
            ON CONFLICT (name) DO UPDATE SET last_tx = '0', last_seq = 0, updated_at = now()
            """, connection, tx))
        {
            progress.Parameters.AddWithValue("name", projection.Name);
            await progress.ExecuteNonQueryAsync(cancellationToken);
        }
        await projection.ResetAsync(new ProjectionContext(connection, tx, store), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Rebuilds a projection from zero and returns the number of events applied.</summary>
    public async Task<long> RebuildAsync(IProjection projection, CancellationToken cancellationToken = default)
    {
        await ResetAsync(projection, cancellationToken);
        return await CatchUpAsync(projection, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var projections = store.Options.Projections.Where(p => p.Lifecycle == ProjectionLifecycle.Async).ToList();
        await Task.WhenAll(projections.Select(p => RunAsync(p, stoppingToken)));
    }

    private async Task RunAsync(IProjection projection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(stoppingToken);
                if (!await TryLeadAsync(connection, projection, stoppingToken))
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), store.Time, stoppingToken);
                    continue;
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    var applied = await RunBatchAsync(connection, projection, stoppingToken);
                    if (applied < store.Options.DaemonBatchSize)
                    {
                        await Task.Delay(store.Options.DaemonPollInterval, store.Time, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogProjectionFailed(logger, projection.Name, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), store.Time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static async Task<bool> TryLeadAsync(NpgsqlConnection connection, IProjection projection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 7))", connection);
        command.Parameters.AddWithValue("name", "projection:" + projection.Name);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<int> RunBatchAsync(NpgsqlConnection connection, IProjection projection, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        ulong lastTx;
        long lastSeq;
        await using (var progress = new NpgsqlCommand($"""
            INSERT INTO {store.Schema}.projection_progress (name) VALUES (@name) ON CONFLICT (name) DO NOTHING;
            SELECT last_tx, last_seq FROM {store.Schema}.projection_progress WHERE name = @name FOR UPDATE;
            """, connection, tx))
        {
            progress.Parameters.AddWithValue("name", projection.Name);
            await using var reader = await progress.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            lastTx = reader.GetFieldValue<ulong>(0);
            lastSeq = reader.GetInt64(1);
        }
        // pg_snapshot_xmin: no transaction below it is still running, so nothing can appear below it later.
        // This transaction's own id (taken by FOR UPDATE above) only holds the horizon back until the next batch.
        await using var read = new NpgsqlCommand($"""
            SELECT seq, id, stream_id, version, type, data::text, metadata::text, timestamp, tx_id, {store.SelectKey}
            FROM {store.Schema}.events
            WHERE (tx_id, seq) > (@tx, @seq) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx_id, seq
            LIMIT @max
            """, connection, tx);
        read.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = lastTx });
        read.Parameters.AddWithValue("seq", lastSeq);
        read.Parameters.AddWithValue("max", store.Options.DaemonBatchSize);
        var events = new List<StoredEvent>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = reader.GetString(4);
                events.Add(new StoredEvent(
                    reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), type,
                    store.Deserialize(type, reader.GetString(5), reader.IsDBNull(9) ? null : reader.GetFieldValue<byte[]>(9)),
                    System.Text.Json.JsonSerializer.Deserialize<EventMetadata>(reader.GetString(6), store.Options.Json) ?? EventMetadata.None,
                    reader.GetFieldValue<DateTimeOffset>(7)));
                lastTx = reader.GetFieldValue<ulong>(8);
                lastSeq = reader.GetInt64(0);
            }
        }
        if (events.Count == 0)
        {
            await tx.RollbackAsync(cancellationToken);
            return 0;
        }
        await projection.ApplyAsync(new ProjectionContext(connection, tx, store), events, cancellationToken);
        await using (var save = new NpgsqlCommand(
            $"UPDATE {store.Schema}.projection_progress SET last_tx = @tx, last_seq = @seq, updated_at = now() WHERE name = @name",
            connection, tx))
        {
            save.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = lastTx });
            save.Parameters.AddWithValue("seq", lastSeq);
            save.Parameters.AddWithValue("name", projection.Name);
            await save.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return events.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Projection} failed ({Error}); retrying")]
    private static partial void LogProjectionFailed(ILogger logger, string projection, string error);
}
