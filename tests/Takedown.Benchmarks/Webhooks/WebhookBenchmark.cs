using Takedown.Application.Webhooks;
using Takedown.Application.Privacy;
using Takedown.Application.Sealing;
using Takedown.Application.ReadModels;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Takedown.Application.PlatformReports;
using Takedown.Domain;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Platforms.Webhooks;
using Takedown.Testing;

namespace Takedown.Benchmarks.Webhooks;

/// <summary>
/// Verified webhook ingestion against a baseline host that does one raw INSERT of the body (<see cref="BaselineHost"/>,
/// the same framework and Npgsql in a process beside the API). The API runs as its own process (Release build, Kestrel
/// on 127.0.0.1); this process is the load generator: closed-loop clients
/// at concurrency 16 and 256, each request signed (baseline requests too, so both sides cost the client the same).
/// Every webhook is a real status update for one of 20,000 filed reports (a report hears a few updates per run, as in life): the endpoint verifies it and stores it in the
/// inbox; the API's inbox processor then locks the ticket, loads the stream, decides and appends. Each run starts on
/// an empty inbox and ends when the processor has applied everything: "lost" compares the 2xx answers with the inbox
/// rows, "applied" counts the rows the processor finished, and "drain" is how long it needed after the load stopped.
/// </summary>
public static class WebhookBenchmark
{
    private const int Reports = 20_000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    // Baseline and webhook runs alternate, three pairs per concurrency, and each ratio is the median of the pairs':
    // the machine's speed drifts by tens of percent over minutes, a pair's two runs are seconds apart.
    private const int Rounds = 3;

    public static async Task<string> RunAsync(string connectionString)
    {
        var secret = WebhookSecret.Generate();
        Run("dotnet", "build", Path.Combine(Repository.Root, "src", "Takedown.Api"), "-c", "Release", "--nologo", "-v", "q");
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"API in its own process (Release, Production environment, worker off), PostgreSQL durable (fsync on, synchronous_commit on); {Environment.ProcessorCount} cores shared by the API, the load generator and the database; {Duration.TotalSeconds:0} s per run after a {Warmup.TotalSeconds:0} s warm-up; baseline and webhook alternate, {Rounds} pairs per concurrency, and each ratio is the median of the pairs' ratios.");
        output.AppendLine();
        output.AppendLine("**Receiving host** (`Webhooks:Inbox:Apply=false`, as an API beside workers that apply; `SealAfter` lifted, since beside workers the updates are applied before it): the endpoint verifies, checks the ticket and stores the update; the inbox is then sealed and applied by a host that applies, timed as \"drain\".");
        output.AppendLine();
        output.AppendLine(await PhaseAsync(connectionString, secret, apply: false));
        output.AppendLine("**One host receives and applies** (`Webhooks:Inbox:Apply=true`, the default): the inbox processor applies updates in batches on the same two cores while the load runs.");
        output.AppendLine();
        output.AppendLine(await PhaseAsync(connectionString, secret, apply: true));
        return output.ToString();
    }

    private static async Task<string> PhaseAsync(string connectionString, WebhookSecret secret, bool apply)
    {
        var output = new StringBuilder();
        var port = FreePort();
        var baselinePort = FreePort();
        var api = StartApi(connectionString, port, secret.Export(), apply);
        Process? baseline = null;
        try
        {
            using var client = NewClient(port);
            using var baselineClient = NewClient(baselinePort);
            await WaitReadyAsync(client);
            // After the API has migrated the schema the baseline's table lives in.
            baseline = StartBaseline(connectionString, baselinePort);
            await WaitReadyAsync(baselineClient);
            // Seeded once the first API has migrated the schema (the ticket lookup is one of its tables).
            var tickets = _tickets ??= await SeedAsync(connectionString);
            output.AppendLine("| endpoint | clients | pair | requests/s | p50 ms | p90 ms | p99 ms | non-2xx | 2xx | rows | lost | applied | drain s | applied/s |");
            output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var results = new Dictionary<(string, int, int), Result>();
            foreach (var clients in new[] { 16, 256 })
            {
                for (var round = 1; round <= Rounds; round++)
                {
                    foreach (var (name, path) in new[] { ("baseline", "benchmarks/webhook-baseline"), ("webhook", "webhooks/bench") })
                    {
                        var target = name == "baseline" ? baselineClient : client;
                        await LoadAsync(target, path, secret, tickets, clients, Warmup, () => Interlocked.Increment(ref _sequence));
                        if (apply)
                        {
                            await DrainAsync(connectionString);
                        }
                        var before = await RowsAsync(connectionString, name);
                        var appliedBefore = await AppliedAsync(connectionString);
                        var result = await LoadAsync(target, path, secret, tickets, clients, Duration, () => Interlocked.Increment(ref _sequence));
                        var rows = await RowsAsync(connectionString, name) - before;
                        results[(name, clients, round)] = result;
                        var appliedColumns = "– | – | –";
                        if (apply && name == "webhook")
                        {
                            var drain = await DrainAsync(connectionString);
                            var applied = await AppliedAsync(connectionString) - appliedBefore;
                            appliedColumns = string.Create(CultureInfo.InvariantCulture, $"{applied} | {drain.TotalSeconds:0.0} | {applied / (Duration + drain).TotalSeconds:0}");
                        }
                        output.AppendLine(CultureInfo.InvariantCulture,
                            $"| {name} | {clients} | {round} | {result.PerSecond:0} | {result.P(50):0.0} | {result.P(90):0.0} | {result.P(99):0.0} | {result.Failed} | {result.Ok} | {rows} | {result.Ok - rows} | {appliedColumns} |");
                    }
                }
            }
            if (!apply)
            {
                // The updates the receiving host stored are applied by a host that applies, started now: its drain
                // rate is the inbox's capacity when nothing else competes for the cores.
                await StopAsync(api);
                var pending = await PendingAsync(connectionString);
                var appliedBefore = await AppliedAsync(connectionString);
                var drainStarted = Stopwatch.StartNew();
                api = StartApi(connectionString, port, secret.Export(), apply: true);
                using var applier = NewClient(port);
                await WaitReadyAsync(applier);
                await DrainAsync(connectionString);
                var drain = drainStarted.Elapsed;
                var applied = await AppliedAsync(connectionString) - appliedBefore;
                output.AppendLine();
                output.AppendLine(CultureInfo.InvariantCulture,
                    $"Drain afterwards: {pending} updates waiting, {applied} applied in {drain.TotalSeconds:0.0} s by a host that applies (start-up included): {applied / drain.TotalSeconds:0} applied/s.");
            }
            output.AppendLine();
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToArray();
                return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
            }
            var rounds = Enumerable.Range(1, Rounds).ToArray();
            foreach (var clients in new[] { 16, 256 })
            {
                var rps = rounds.Select(r => results[("webhook", clients, r)].PerSecond / results[("baseline", clients, r)].PerSecond).ToArray();
                var p99 = rounds.Select(r => results[("webhook", clients, r)].P(99) / results[("baseline", clients, r)].P(99)).ToArray();
                output.AppendLine(CultureInfo.InvariantCulture,
                    $"- {clients} clients: webhook/baseline requests/s = {Median(rps):0.00} (pairs {string.Join(", ", rps.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}; target ≥ 0.70); p99 webhook/baseline = {Median(p99):0.00} (pairs {string.Join(", ", p99.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}; target ≤ 2.0)");
            }
            output.AppendLine(CultureInfo.InvariantCulture, $"- inbox rows failed: {await FailedAsync(connectionString)} (target 0)");
            var at16 = Median(rounds.Select(r => results[("webhook", 16, r)].PerSecond));
            var at256 = Median(rounds.Select(r => results[("webhook", 256, r)].PerSecond));
            output.AppendLine(CultureInfo.InvariantCulture,
                $"- webhook at 256 clients: {at256 / Math.Max(at16, at256):0.00} of its peak rate (medians {at16:0} requests/s at 16 clients, {at256:0} at 256; target ≥ 0.90)");
            return output.ToString();
        }
        finally
        {
            await StopAsync(api);
            if (baseline is not null)
            {
                await StopAsync(baseline);
            }
        }
    }

    private static long _sequence;
    private static IReadOnlyList<string>? _tickets;

    internal static HttpClient NewClient(int port) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

    internal static async Task StopAsync(Process api)
    {
        if (!api.HasExited)
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
        }
        api.Dispose();
    }

    private static async Task<long> PendingAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.webhook_inbox WHERE outcome = 'pending'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Result(List<double> latencies, int failed, TimeSpan elapsed)
    {
        private readonly double[] _sorted = [.. latencies.Order()];

        public int Ok => _sorted.Length;

        public int Failed => failed;

        public double PerSecond => (Ok + Failed) / elapsed.TotalSeconds;

        public double P(int percentile) => _sorted.Length == 0 ? 0 : _sorted[Math.Min(_sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * _sorted.Length) - 1)];
    }

    private static async Task<Result> LoadAsync(
        HttpClient client, string path, WebhookSecret secret, IReadOnlyList<string> tickets, int clients, TimeSpan duration, Func<long> next)
    {
        var latencies = new List<double>[clients];
        var failed = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(8192);
            while (stopwatch.Elapsed < duration)
            {
                var n = next();
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    type = "notice.status_changed",
                    timestamp = DateTimeOffset.UtcNow,
                    data = new
                    {
                        ticketId = tickets[(int)(n % tickets.Count)],
                        status = n % 2 == 0 ? "under_review" : "received",
                        updatedAt = DateTimeOffset.UtcNow,
                    },
                });
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                foreach (var (name, value) in WebhookSigner.Headers([secret], "msg_" + n.ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, body))
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        var elapsed = stopwatch.Elapsed;
        return new Result([.. latencies.SelectMany(l => l)], failed, elapsed);
    }

    /// <summary>Waits until the inbox processor has finished every accepted update; returns how long that took.</summary>
    private static async Task<TimeSpan> DrainAsync(string connectionString)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.webhook_inbox WHERE outcome = 'pending'", connection);
        while ((long)(await command.ExecuteScalarAsync())! > 0)
        {
            if (stopwatch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException("The inbox did not drain within ten minutes.");
            }
            await Task.Delay(100);
        }
        return stopwatch.Elapsed;
    }

    private static async Task<long> FailedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.webhook_inbox WHERE outcome = 'failed'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> AppliedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM takedown.webhook_inbox WHERE integration = 'bench' AND outcome NOT IN ('pending', 'failed')", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> RowsAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(name == "baseline"
            ? "SELECT count(*) FROM takedown.bench_webhook_baseline"
            : "SELECT count(*) FROM takedown.webhook_inbox WHERE integration = 'bench'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>20,000 drafted and filed reports; the ticket lookup is filled by the same inline projection the API uses.</summary>
    private static async Task<IReadOnlyList<string>> SeedAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var protection = new PersonalDataProtection(
            Convert.FromBase64String(PrivacySetup.DevelopmentMasterKey), PersonalDataProtection.IsMarked<PersonalDataAttribute>,
            PersonalDataProtection.SubjectFromProperty("CaseId"));
        await SchemaMigrator.MigrateAsync(dataSource, "takedown", ReadModelSchema.Component, ReadModelSchema.Steps);
        await SchemaMigrator.MigrateAsync(dataSource, "takedown", WebhookSchema.Component, WebhookSchema.Steps);
        var sealing = new EventSealing(protection, dataSource, "takedown", DomainEvents.All.Values, TimeProvider.System);
        using var store = DocumentStore.For(o =>
        {
            o.Connection(dataSource);
            MartenSetup.Configure(o, MartenSetup.DefaultSchema, sealing);
            o.Projections.Add(new PlatformTicketProjection("takedown"), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
            o.AutoCreateSchemaObjects = JasperFx.AutoCreate.CreateOrUpdate;
        });
        var tickets = new List<string>();
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < Reports / 100; batch++)
        {
            var session = store.LightweightSession(new EventMetadata(null, null, "system"));
            for (var i = 0; i < 100; i++)
            {
                var id = Guid.CreateVersion7();
                var ticket = $"BENCH-{batch * 100 + i:D6}";
                tickets.Add(ticket);
                session.Events.StartStream(id,
                    new PlatformReportDrafted(id, Guid.CreateVersion7(), "Bench", ["https://forum.example/t/1"], ReportCategory.Doxing,
                        "Benchmark notice.", "Bench", "bench@example.org", true, now),
                    new PlatformReportFiled(id, ticket, now));
            }
            await session.SaveChangesAsync();
        }
        return tickets;
    }

    private static Process StartApi(string connectionString, int port, string secret, bool apply)
    {
        // In Production the host changes no schema: Marten's tables come from its own command first.
        using (var migrate = Process.Start(ApiStartInfo(connectionString, secret, apply, "db-apply"))!)
        {
            migrate.WaitForExit();
            if (migrate.ExitCode != 0)
            {
                throw new InvalidOperationException("db-apply failed: " + migrate.StandardError.ReadToEnd());
            }
        }
        var process = Process.Start(ApiStartInfo(connectionString, secret, apply, "--urls", $"http://127.0.0.1:{port}"))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("[api] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static ProcessStartInfo ApiStartInfo(string connectionString, string secret, bool apply, params string[] arguments)
    {
        var dll = Path.Combine(Repository.Root, "src", "Takedown.Api", "bin", "Release", "net10.0", "Takedown.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Takedown"] = connectionString;
        start.Environment["Worker__RunInProcess"] = "false";
        start.Environment["Webhooks__Inbox__Apply"] = apply ? "true" : "false";
        // A receiving host beside workers seals nothing in practice: the workers apply each update within about a
        // second, long before SealAfter. Here nothing applies during the load, so the default would make the
        // receiving host seal every update five seconds later, work it does not do beside workers.
        start.Environment["Webhooks__Inbox__SealAfter"] = apply ? "00:00:05" : "00:05:00";
        // The key the seeded reports were sealed with.
        start.Environment["Privacy__MasterKey"] = PrivacySetup.DevelopmentMasterKey;
        start.Environment["Webhooks__Incoming__bench__Platform"] = "Bench";
        start.Environment["Webhooks__Incoming__bench__Secrets__0"] = secret;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Letters__ReplySecret"] = "bench-reply-secret-0123456789abcdef";
        return start;
    }

    internal static Process StartBaseline(string connectionString, int port)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BaselineHost).Assembly.Location);
        }
        start.ArgumentList.Add(BaselineHost.Mode);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(connectionString);
        return Process.Start(start)!;
    }

    internal static async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await client.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("The API did not become ready.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed");
        }
    }
}
