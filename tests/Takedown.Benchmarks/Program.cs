using System.Diagnostics;
using System.Globalization;
using Takedown.Benchmarks.Dashboard;
using Takedown.Benchmarks.EventStore;
using Takedown.Benchmarks.Messaging;
using Takedown.Testing;

// Runs the benchmarks on a PostgreSQL cluster of their own with durable settings (fsync and synchronous_commit on,
// the server defaults), unless TAKEDOWN_BENCH_POSTGRES names another server. Both sides of every ratio run on the
// same server in the same run. Usage: dotnet run -c Release --project tests/Takedown.Benchmarks [marten|projections|draft|messaging|wolverine|dashboard [cases ...]|webhooks|directory|all]
if (args is [Takedown.Benchmarks.Webhooks.BaselineHost.Mode, var baselinePort, var baselineDatabase])
{
    await Takedown.Benchmarks.Webhooks.BaselineHost.RunAsync(int.Parse(baselinePort, CultureInfo.InvariantCulture), baselineDatabase);
    return;
}
if (args is [MessagingBenchmark.WorkerMode, var workerSchema])
{
    await MessagingBenchmark.RunWorkerProcessAsync(workerSchema);
    return;
}
var which = args.FirstOrDefault() ?? "all";
var connectionString = Environment.GetEnvironmentVariable("TAKEDOWN_BENCH_POSTGRES");
string? clusterDir = null;
if (string.IsNullOrEmpty(connectionString))
{
    clusterDir = Path.Combine("/tmp", $"takedown-bench-pg-{Environment.ProcessId}");
    connectionString = Run("bash", Path.Combine(Repository.Root, "ops", "postgres.sh"), "start", clusterDir).Trim().Split('\n')[^1];
}
try
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# Benchmarks ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores)"));
    if (which is "marten" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_marten");
        Console.WriteLine("## Event store on Marten");
        Console.WriteLine(await MartenBenchmark.RunAsync(db,
            clusterDir is not null ? Path.Combine(clusterDir, "log") : Environment.GetEnvironmentVariable("TAKEDOWN_BENCH_POSTGRES_LOG")));
    }
    if (which is "projections" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_projections");
        Console.WriteLine("## Read models on Marten");
        Console.WriteLine(await ProjectionBenchmark.RunAsync(db));
    }
    if (which is "draft" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_draft");
        Console.WriteLine("## A command through the HTTP API on Marten");
        Console.WriteLine(await DraftBenchmark.RunAsync(db));
    }
    if (which is "messaging" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_messaging");
        Console.WriteLine("## Messaging");
        Console.WriteLine(await MessagingBenchmark.RunAsync(db));
    }
    if (which is "wolverine" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_wolverine");
        Console.WriteLine("## Deadline checks on Wolverine");
        Console.WriteLine(await WolverineBenchmark.RunAsync(db));
    }
    if (which is "dashboard" or "all")
    {
        // The caseloads to measure, each on a database of its own: `dashboard 10000 100000 1000000` (default 10,000).
        int[] caseloads = which == "dashboard" && args.Length > 1
            ? [.. args.Skip(1).Select(a => int.Parse(a, NumberStyles.AllowThousands, CultureInfo.InvariantCulture))]
            : [10_000];
        Console.WriteLine("## Dashboard");
        Console.WriteLine(await DashboardBenchmark.RunAsync(name => CreateDatabase(connectionString, name), caseloads));
    }
    if (which is "directory" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_directory");
        Console.WriteLine("## Controller directory");
        Console.WriteLine(await Takedown.Benchmarks.ControllerDirectory.DirectoryBenchmark.RunAsync(db));
    }
    if (which is "webhooks" or "all")
    {
        var db = await CreateDatabase(connectionString, "bench_webhooks");
        Console.WriteLine("## Webhooks");
        Console.WriteLine(await Takedown.Benchmarks.Webhooks.WebhookBenchmark.RunAsync(db));
    }
}
finally
{
    if (clusterDir is not null)
    {
        Run("bash", Path.Combine(Repository.Root, "ops", "postgres.sh"), "stop", clusterDir);
    }
}

static async Task<string> CreateDatabase(string admin, string name)
{
    await using var connection = new Npgsql.NpgsqlConnection(admin);
    await connection.OpenAsync();
    await using (var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
    {
        await drop.ExecuteNonQueryAsync();
    }
    await using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection))
    {
        await create.ExecuteNonQueryAsync();
    }
    return new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
}

static string Run(string file, params string[] args)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
    foreach (var a in args)
    {
        psi.ArgumentList.Add(a);
    }
    using var p = Process.Start(psi)!;
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed");
}
