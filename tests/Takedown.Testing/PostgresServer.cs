using System.Diagnostics;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace Takedown.Testing;

/// <summary>
/// The real PostgreSQL the tests talk to, chosen once per test process:
/// <list type="number">
/// <item><c>TAKEDOWN_TEST_POSTGRES</c> (an admin connection string) when set: the cluster <c>ops/test.sh</c> starts
/// when no Docker engine answers, or a server of the developer's own;</item>
/// <item>otherwise a Testcontainers PostgreSQL container (<see cref="Image"/>) when a Docker engine answers, removed
/// by Testcontainers' resource reaper when the process ends;</item>
/// <item>otherwise (Testcontainers throws <see cref="DockerUnavailableException"/>) a throwaway cluster started through
/// <c>ops/postgres.sh</c> and stopped when the process exits.</item>
/// </list>
/// <see cref="Source"/> says which one a run uses.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "TAKEDOWN_TEST_POSTGRES";

    /// <summary>The image of the container path: the major version the clusters run (Debian 12's PostgreSQL 15).</summary>
    public const string Image = "postgres:15-alpine";

    private static readonly Lazy<string> AdminConnection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string AdminConnectionString => AdminConnection.Value;

    /// <summary>Where <see cref="AdminConnectionString"/> points: <c>environment</c>, <c>container</c> or <c>cluster</c>.</summary>
    public static string Source { get; private set; } = "";

    /// <summary>Creates an empty database of its own for one test class and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Start()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            Source = "environment";
            return fromEnvironment;
        }
        if (StartContainer() is { } container)
        {
            Source = "container";
            return container;
        }
        Source = "cluster";
        return StartCluster();
    }

    private static string? StartContainer()
    {
        PostgreSqlContainer container;
        try
        {
            // Build() looks for a Docker endpoint (environment, ~/.testcontainers.properties, the usual sockets) and
            // throws at once when none answers; nothing is pulled or started before that.
            container = new PostgreSqlBuilder(Image).Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }
        container.StartAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
    }

    private static string StartCluster()
    {
        // Not under the user's home folder: the postgres user must be able to reach the data folder.
        var dir = Path.Combine("/tmp", $"takedown-test-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var script = Path.Combine(Repository.Root, "ops", "postgres.sh");
        var connectionString = RunScript(script, "start", dir, "--test").Trim().Split('\n')[^1];
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunScript(script, "stop", dir);
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // A cluster left behind in /tmp is harmless; the run's result matters more.
            }
        };
        return connectionString;
    }

    private static string RunScript(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed: {stderr.Result}");
        }
        return stdout.Result;
    }
}

/// <summary>
/// One isolated database per test class (use as <c>IClassFixture&lt;PostgresDatabase&gt;</c>). Tests reset the
/// data they need at their own start.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await PostgresServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(ConnectionString);
}
