using Npgsql;

namespace Takedown.Application.Storage;

/// <summary>
/// Applies numbered schema steps once, in order, under a transaction-scoped advisory lock, so two hosts
/// starting at the same moment neither fail nor apply a step twice.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>Applies the steps of <paramref name="component"/> that this database has not seen yet.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="schema">The schema holding the <c>schema_versions</c> table.</param>
    /// <param name="component">A name for the owner of the steps ("event-store", "messaging").</param>
    /// <param name="steps">SQL per version, in order; version numbers are the list positions, from 1.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public static async Task MigrateAsync(
        NpgsqlDataSource dataSource, string schema, string component, IReadOnlyList<string> steps,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(steps);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('takedown-schema', 0))", connection, tx))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand($"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_versions (
                component text NOT NULL,
                version int NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version));
            """, connection, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        int current;
        await using (var versionCommand = new NpgsqlCommand(
            $"SELECT coalesce(max(version), 0) FROM {schema}.schema_versions WHERE component = @c", connection, tx))
        {
            versionCommand.Parameters.AddWithValue("c", component);
            current = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        for (var version = current + 1; version <= steps.Count; version++)
        {
            await using var step = new NpgsqlCommand(steps[version - 1].Replace("{schema}", schema, StringComparison.Ordinal), connection, tx);
            await step.ExecuteNonQueryAsync(cancellationToken);
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {schema}.schema_versions (component, version) VALUES (@c, @v)", connection, tx);
            record.Parameters.AddWithValue("c", component);
            record.Parameters.AddWithValue("v", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }
}
