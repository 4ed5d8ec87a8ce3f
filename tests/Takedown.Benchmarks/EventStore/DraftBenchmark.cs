using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Takedown.Benchmarks.Webhooks;

namespace Takedown.Benchmarks.EventStore;

/// <summary>
/// A command through the HTTP API on Marten: drafting an erasure request (its events, the inline read models and the
/// letter, in one transaction) by 8 closed-loop clients, against the raw-INSERT endpoint of <see cref="BaselineHost"/>
/// on the same machine. Both run as processes of their own (Release, Production, the API's worker off).
/// </summary>
public static class DraftBenchmark
{
    private const int Clients = 8;
    private const int Cases = 200;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    public static async Task<string> RunAsync(string connectionString)
    {
        WebhookBenchmark.Run("dotnet", "build", Path.Combine(Takedown.Testing.Repository.Root, "src", "Takedown.Api"), "-c", "Release", "--nologo", "-v", "q");
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var port = WebhookBenchmark.FreePort();
        var baselinePort = WebhookBenchmark.FreePort();
        var secret = Takedown.Platforms.Webhooks.WebhookSecret.Generate().Export();
        var start = WebhookBenchmark.ApiStartInfo(connectionString, secret, apply: false, "db-apply");
        using (var migrate = Process.Start(start)!)
        {
            await migrate.WaitForExitAsync();
        }
        var info = WebhookBenchmark.ApiStartInfo(connectionString, secret, apply: false, "--urls", $"http://127.0.0.1:{port}");
        info.Environment["Integrations__Partners__bench__ApiKeySha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        info.Environment["Integrations__Partners__bench__Scopes__0"] = "cases:read";
        info.Environment["Integrations__Partners__bench__Scopes__1"] = "cases:write";
        info.Environment["RateLimits__Integration__Burst"] = "100000";
        info.Environment["RateLimits__Integration__PerSecond"] = "100000";
        var api = Process.Start(info)!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, _) => { };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        Process? baseline = null;
        try
        {
            using var client = WebhookBenchmark.NewClient(port);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            await WebhookBenchmark.WaitReadyAsync(client);
            baseline = WebhookBenchmark.StartBaseline(connectionString, baselinePort);
            using var baselineClient = WebhookBenchmark.NewClient(baselinePort);
            await WebhookBenchmark.WaitReadyAsync(baselineClient);
            var cases = new List<Guid>();
            for (var i = 0; i < Cases; i++)
            {
                var opened = await client.PostAsJsonAsync("/api/v1/cases",
                    new { victimName = "Anna de Vries", victimEmail = $"anna{i}@slachtoffer.example", language = "nl", escalationMode = "OperatorReview" });
                opened.EnsureSuccessStatusCode();
                cases.Add((await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }
            var body = new
            {
                controllerName = "Voorbeeld Mensenzoeker B.V.", controllerEmail = "privacy@mensenzoeker.example", controllerCountry = "NL",
                personalData = new[] { "woonadres", "telefoonnummer" }, urls = new[] { "https://mensenzoeker.example/p/1" },
            };
            var json = JsonSerializer.Serialize(body);
            var next = 0;
            Func<HttpClient, Task<bool>> draft = async c =>
            {
                var caseId = cases[Interlocked.Increment(ref next) % cases.Count];
                using var content = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await c.PostAsync($"/api/v1/cases/{caseId}/erasure-requests", content);
                return response.IsSuccessStatusCode;
            };
            Func<HttpClient, Task<bool>> raw = async c =>
            {
                using var content = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await c.PostAsync("/benchmarks/webhook-baseline", content);
                return response.IsSuccessStatusCode;
            };
            var report = new StringBuilder();
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{Clients} closed-loop clients, {Duration.TotalSeconds:0} s per run after {Warmup.TotalSeconds:0} s of warm-up; baseline and draft alternate, three pairs."));
            report.AppendLine();
            report.AppendLine("| endpoint | pair | requests/s | p50 ms | p95 ms | p99 ms | failed |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            var ratios = new List<double>();
            for (var pair = 1; pair <= 3; pair++)
            {
                var results = new Dictionary<string, (double PerSecond, double P50, double P95, double P99, int Failed)>();
                foreach (var (name, target, call) in new[] { ("raw INSERT", baselineClient, raw), ("draft erasure request", client, draft) })
                {
                    await LoadAsync(target, call, Warmup);
                    results[name] = await LoadAsync(target, call, Duration);
                    var r = results[name];
                    report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {pair} | {r.PerSecond:N0} | {r.P50:0.0} | {r.P95:0.0} | {r.P99:0.0} | {r.Failed} |"));
                }
                ratios.Add(results["draft erasure request"].P95 / results["raw INSERT"].P95);
            }
            var sorted = ratios.Order().ToArray();
            report.AppendLine();
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"p95 draft / p95 raw INSERT: median {sorted[1]:0.00}× (pairs {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}; target ≤ 3×)"));
            return report.ToString();
        }
        finally
        {
            await WebhookBenchmark.StopAsync(api);
            if (baseline is not null)
            {
                await WebhookBenchmark.StopAsync(baseline);
            }
        }
    }

    private static async Task<(double PerSecond, double P50, double P95, double P99, int Failed)> LoadAsync(
        HttpClient client, Func<HttpClient, Task<bool>> call, TimeSpan duration)
    {
        var latencies = new List<double>();
        var failed = 0;
        var gate = new Lock();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await call(client);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (gate)
                {
                    if (ok)
                    {
                        latencies.Add(ms);
                    }
                    else
                    {
                        failed++;
                    }
                }
            }
        })));
        var sorted = latencies.Order().ToArray();
        double P(int p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
        return ((sorted.Length + failed) / clock.Elapsed.TotalSeconds, P(50), P(95), P(99), failed);
    }
}
