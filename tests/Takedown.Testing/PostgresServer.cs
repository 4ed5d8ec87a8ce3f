using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Takedown.Testing;

/// <summary>
/// The real PostgreSQL the tests talk to. Uses <c>TAKEDOWN_TEST_POSTGRES</c> (an admin connection string)
/// when set, as in CI's service container or <c>ops/test.sh</c>; otherwise starts a throwaway cluster through
/// <c>ops/postgres.sh</c> once per test process and stops it when the process exits.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "TAKEDOWN_TEST_POSTGRES";

    private static readonly Lazy<string> AdminConnection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string AdminConnectionString => AdminConnection.Value;

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
            return fromEnvironment;
        }

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
