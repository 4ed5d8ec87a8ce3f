using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Operator;

/// <summary>How old the statistics page's figures may get (<c>Operator:Statistics</c>).</summary>
public sealed class StatisticsSnapshotSettings
{
    public const string Section = "Operator:Statistics";

    /// <summary>A page view finding figures older than this (seconds) computes them again. Default 120.</summary>
    public int MaxAgeSeconds { get; set; } = 120;

    /// <summary>How often (seconds) the API host computes the figures in the background. Default 60.</summary>
    public int RefreshSeconds { get; set; } = 60;

    internal static void Validate(OptionsBuilder<StatisticsSnapshotSettings> options) => options
        .Validate(s => s.MaxAgeSeconds > 0, $"{Section}:MaxAgeSeconds must be a positive number of seconds.")
        .Validate(s => s.RefreshSeconds > 0, $"{Section}:RefreshSeconds must be a positive number of seconds.")
        .ValidateOnStart();
}

/// <summary>The statistics as computed at <paramref name="ComputedAt"/>.</summary>
public sealed record StatisticsSnapshot(Statistics Statistics, DateTimeOffset ComputedAt);

/// <summary>
/// The statistics page's figures, computed by <see cref="OperatorQueries.StatisticsAsync"/> at most once per
/// <see cref="StatisticsSnapshotSettings.MaxAgeSeconds"/> and kept as one row (<c>operator_statistics_snapshot</c>),
/// so a page view reads that row instead of running percentiles over every answered request.
/// </summary>
/// <remarks>
/// Computing runs under a transaction-scoped advisory lock (<see cref="LockName"/>): of many page views that find the
/// figures stale at once, one computes and the others show the stale figures meanwhile. Only when there are no
/// figures at all do the others wait for that one.
/// </remarks>
public sealed class StatisticsSnapshots(
    NpgsqlDataSource dataSource, DatabaseOptions options, OperatorQueries queries, IOptions<StatisticsSnapshotSettings> settings,
    TimeProvider time)
{
    /// <summary>The figures cover the open cases of this many days.</summary>
    public const int Days = 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string S => options.Schema;

    /// <summary>The advisory lock (<c>hashtextextended(LockName, 0)</c>) held while the figures are computed.</summary>
    public string LockName => $"takedown-operator-statistics:{options.Schema}";

    /// <summary>The stored figures if they are younger than the maximum age; otherwise computed and stored first.</summary>
    public async Task<StatisticsSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(null, null, cancellationToken);
        if (stored is not null && IsFresh(stored))
        {
            return stored;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockAsync(connection, transaction, wait: false, cancellationToken))
        {
            if (stored is not null)
            {
                return stored;
            }
            await LockAsync(connection, transaction, wait: true, cancellationToken);
        }
        // Whoever held the lock before may just have stored fresh figures.
        var current = await ReadAsync(connection, transaction, cancellationToken);
        if (current is not null && IsFresh(current))
        {
            return current;
        }
        var computed = await ComputeAndStoreAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return computed;
    }

    /// <summary>Computes and stores the figures now (after a computation already under way, if any).</summary>
    public async Task<StatisticsSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, wait: true, cancellationToken);
        var computed = await ComputeAndStoreAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return computed;
    }

    private bool IsFresh(StatisticsSnapshot snapshot) =>
        time.GetUtcNow() - snapshot.ComputedAt < TimeSpan.FromSeconds(settings.Value.MaxAgeSeconds);

    private async Task<bool> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool wait, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            wait ? "SELECT true FROM pg_advisory_xact_lock(hashtextextended($1, 0))" : "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = LockName });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<StatisticsSnapshot?> ReadAsync(NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var sql = $"SELECT statistics, computed_at FROM {S}.operator_statistics_snapshot WHERE id = 1";
        await using var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var statistics = JsonSerializer.Deserialize<Statistics>(reader.GetString(0), Json)
            ?? throw new InvalidOperationException("The stored statistics snapshot is empty.");
        return new StatisticsSnapshot(statistics, reader.GetFieldValue<DateTimeOffset>(1));
    }

    private async Task<StatisticsSnapshot> ComputeAndStoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // The figures are as of the moment the queries start: anything committed later is in the next snapshot.
        var computedAt = time.GetUtcNow();
        var statistics = await queries.StatisticsAsync(Days, cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {S}.operator_statistics_snapshot (id, statistics, computed_at) VALUES (1, $1, $2)
            ON CONFLICT (id) DO UPDATE SET statistics = excluded.statistics, computed_at = excluded.computed_at
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(statistics, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = computedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StatisticsSnapshot(statistics, computedAt);
    }
}
