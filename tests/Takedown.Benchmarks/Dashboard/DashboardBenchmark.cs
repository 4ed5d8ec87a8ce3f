using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Takedown.Testing;

namespace Takedown.Benchmarks.Dashboard;

/// <summary>
/// For each caseload asked for (cases; 5 requests each), on a database of its own: starts the API host (Release build)
/// as a process of its own, bulk-loads the read models (<see cref="Caseload"/>) with their secondary indexes dropped and
/// then built again, vacuums and analyses, and measures the operator dashboard's pages and the status API with wrk from a
/// third process, the <c>/health/live</c> floor first. Returns Markdown: the sizes (load, index build, database size)
/// and one table of every address at every size.
/// </summary>
public static partial class DashboardBenchmark
{
    internal const string ApiKey = "bench-api-key-0123456789abcdef";
    private const string OperatorPassword = "bench operator password";

    private sealed record Size(int Cases, TimeSpan Load, TimeSpan Indexes, TimeSpan Vacuum, long DatabaseBytes, Dictionary<string, (double P50, double P95, double P99, double Rps)> Results);

    public static async Task<string> RunAsync(Func<string, Task<string>> createDatabase, IReadOnlyList<int> caseloads)
    {
        ArgumentNullException.ThrowIfNull(createDatabase);
        ArgumentNullException.ThrowIfNull(caseloads);
        var repo = Repository.Root;
        Run("dotnet", "build", Path.Combine(repo, "src", "Takedown.Api"), "-c", "Release", "--nologo", "-v", "q");
        var sizes = new List<Size>();
        string[] names = [];
        foreach (var cases in caseloads)
        {
            var connectionString = await createDatabase(string.Create(CultureInfo.InvariantCulture, $"bench_dashboard_{cases}"));
            var (size, order) = await MeasureAsync(repo, connectionString, cases);
            sizes.Add(size);
            names = order;
            // Each size as soon as it is measured: a large load may take long, and what was measured stays.
            Console.Error.WriteLine(Report(sizes, names));
        }
        return Report(sizes, names);
    }

    private static async Task<(Size, string[])> MeasureAsync(string repo, string connectionString, int cases)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var host = StartHost(repo, connectionString, baseUrl);
        try
        {
            await WaitUntilUpAsync(baseUrl);
            var (caseIds, load, indexes, vacuum, bytes) = await LoadAsync(connectionString, cases);
            var cookie = await SignInAsync(baseUrl);
            var folder = Repository.NewTempFolder("bench-dashboard");
            var sample = caseIds.Take(200).ToArray();
            var targets = new (string Name, string Path, string Header, Guid[]? Ids, string Template)[]
            {
                // The floor every address stands on, measured the same way: Kestrel, the middleware and wrk, no database.
                ("Baseline: GET /health/live", "/health/live", "X-Baseline: 1", null, ""),
                ("Dashboard (counts, overdue, escalations)", "/operator", "Cookie: " + cookie, null, ""),
                ("Overdue list (200 rows)", "/operator/deadlines?due=Overdue", "Cookie: " + cookie, null, ""),
                ("Due this week (200 rows)", "/operator/deadlines?due=ThisWeek", "Cookie: " + cookie, null, ""),
                ("Statistics (stored snapshot)", "/operator/statistics", "Cookie: " + cookie, null, ""),
                ("Open cases, newest first (50)", "/operator/cases", "Cookie: " + cookie, null, ""),
                ("Case search, common name part (\"Controller\")", "/operator/cases?q=Controller", "Cookie: " + cookie, null, ""),
                ("Case search by counterparty (\"Controller 042\")", "/operator/cases?q=Controller%20042", "Cookie: " + cookie, null, ""),
                ("Case search, rare name (\"" + Caseload.RareName(17) + "\")", "/operator/cases?q=" + Uri.EscapeDataString(Caseload.RareName(17)), "Cookie: " + cookie, null, ""),
                ("Case search by reference prefix", "/operator/cases?q=TD-B00001", "Cookie: " + cookie, null, ""),
                ("Case page", "", "Cookie: " + cookie, sample, "/operator/cases/{0}"),
                ("Status API GET /api/v1/cases/{id}", "", "Authorization: Bearer " + ApiKey, sample, "/api/v1/cases/{0}"),
            };
            var results = new Dictionary<string, (double, double, double, double)>();
            foreach (var target in targets)
            {
                var script = Path.Combine(folder, $"t{Array.IndexOf(targets, target)}.lua");
                await File.WriteAllTextAsync(script, Lua(target.Header, target.Path, target.Ids, target.Template));
                Run("wrk", "-t2", "-c8", "-d2s", "-s", script, baseUrl);
                var output = Run("wrk", "-t2", "-c8", "-d10s", "-s", script, baseUrl);
                var m = ResultLine().Match(output);
                if (!m.Success || !output.Contains("non2xx=0", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"wrk for {target.Name} failed or got errors:\n{output}");
                }
                double Milli(int group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) / 1000;
                results[target.Name] = (Milli(1), Milli(2), Milli(3), double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
            }
            return (new Size(cases, load, indexes, vacuum, bytes, results), [.. targets.Select(t => t.Name)]);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    private static string Report(List<Size> sizes, string[] names)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Requests: {Caseload.RequestsPerCase} per case. wrk, 2 threads, 8 connections, 10 s per address after a 2 s warm-up; host, wrk and PostgreSQL on the same 2 cores.");
        report.AppendLine();
        report.AppendLine("| cases | requests | bulk load (COPY, counters by trigger) | index build | vacuum + analyse | database size | /health/live p95 |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {size.Cases:N0} | {size.Cases * Caseload.RequestsPerCase:N0} | {size.Load.TotalSeconds:N1} s | {size.Indexes.TotalSeconds:N1} s | {size.Vacuum.TotalSeconds:N1} s | {size.DatabaseBytes / 1048576.0:N0} MiB | {size.Results[names[0]].P95:0.0} ms |");
        }
        report.AppendLine();
        report.Append("| Address |");
        foreach (var size in sizes)
        {
            report.Append(CultureInfo.InvariantCulture, $" p50 / p95 ms at {Short(size.Cases)} | req/s at {Short(size.Cases)} |");
        }
        report.AppendLine(sizes.Count > 1 ? " p95 largest / smallest |" : "");
        report.Append("|---|");
        report.Append(string.Concat(Enumerable.Repeat("---:|---:|", sizes.Count)));
        report.AppendLine(sizes.Count > 1 ? "---:|" : "");
        foreach (var name in names)
        {
            report.Append(CultureInfo.InvariantCulture, $"| {name} |");
            foreach (var size in sizes)
            {
                var r = size.Results[name];
                report.Append(CultureInfo.InvariantCulture, $" {r.P50:0.0} / {r.P95:0.0} | {r.Rps:N0} |");
            }
            report.AppendLine(sizes.Count > 1
                ? string.Create(CultureInfo.InvariantCulture, $" {sizes[^1].Results[name].P95 / sizes[0].Results[name].P95:0.0}× |")
                : "");
        }
        return report.ToString();
    }

    private static string Short(int cases) => cases >= 1_000_000 && cases % 1_000_000 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{cases / 1_000_000}M")
        : string.Create(CultureInfo.InvariantCulture, $"{cases / 1000.0:0.#}k");

    /// <summary>
    /// The caseload into the read models: their secondary indexes dropped, the rows copied in (the counters' triggers
    /// run per statement), the indexes built again, then a vacuum with analyse, as autovacuum does for tables in service
    /// (right after a bulk load no visibility map exists, and the first minutes would measure the load, not the pages).
    /// </summary>
    private static async Task<(Guid[] CaseIds, TimeSpan Load, TimeSpan Indexes, TimeSpan Vacuum, long Bytes)> LoadAsync(string connectionString, int cases)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
        var definitions = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i WHERE i.indrelid IN ('takedown.case_overview'::regclass, 'takedown.request_overview'::regclass)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """, connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                definitions.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in definitions)
        {
            await ExecuteAsync($"DROP INDEX {name}");
        }
        var watch = Stopwatch.StartNew();
        var caseIds = await Caseload.LoadAsync(connection, cases);
        var load = watch.Elapsed;
        watch.Restart();
        await ExecuteAsync("SET maintenance_work_mem = '512MB'");
        foreach (var (_, definition) in definitions)
        {
            await ExecuteAsync(definition);
        }
        var indexes = watch.Elapsed;
        watch.Restart();
        foreach (var table in new[] { "takedown.case_overview", "takedown.request_overview", "takedown.request_due_counts", "takedown.queue_counts", "takedown.request_counterparties" })
        {
            await ExecuteAsync($"VACUUM (ANALYZE) {table}");
        }
        var vacuum = watch.Elapsed;
        await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (caseIds, load, indexes, vacuum, (long)(await size.ExecuteScalarAsync())!);
    }

    [GeneratedRegex(@"RESULT p50=(\d+) p95=(\d+) p99=(\d+) rps=([\d.]+)")]
    internal static partial Regex ResultLine();

    internal static string Ms(string micros) => (double.Parse(micros, CultureInfo.InvariantCulture) / 1000).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A wrk script: the auth header, addresses rotating over sample ids, and p50/p95/p99 in microseconds at the end.</summary>
    private static string Lua(string header, string path, Guid[]? ids, string template)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        var lua = new StringBuilder();
        lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"{header[..colon]}\"] = \"{header[(colon + 1)..].Trim()}\"");
        if (ids is null)
        {
            lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.path = \"{path}\"");
        }
        else
        {
            lua.AppendLine("local paths = {");
            foreach (var id in ids)
            {
                lua.AppendLine(CultureInfo.InvariantCulture, $"  \"{string.Format(CultureInfo.InvariantCulture, template, id)}\",");
            }
            lua.AppendLine("}");
            lua.AppendLine("local i = 0");
            lua.AppendLine("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end");
        }
        lua.AppendLine("local bad = 0");
        lua.AppendLine("response = function(status) if status >= 300 then bad = bad + 1 end end");
        lua.AppendLine("done = function(summary, latency, requests)");
        lua.AppendLine("  io.write(string.format(\"RESULT p50=%d p95=%d p99=%d rps=%.1f\\n\", latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests / (summary.duration / 1e6)))");
        lua.AppendLine("  io.write(string.format(\"non2xx=%d\\n\", summary.errors.status))");
        lua.AppendLine("end");
        return lua.ToString();
    }

    internal static Process StartHost(string repo, string connectionString, string baseUrl)
    {
        var dll = Path.Combine(repo, "src", "Takedown.Api", "bin", "Release", "net10.0", "Takedown.Api.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(baseUrl);
        psi.WorkingDirectory = Path.GetDirectoryName(dll)!;
        // Development keeps the operator cookie usable over plain http on 127.0.0.1; logging is cut to warnings so the
        // console does not take the CPU the measurement shares.
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["ConnectionStrings__Takedown"] = connectionString;
        psi.Environment["Operators__Accounts__bench__PasswordHash"] = HashWithHost(repo, OperatorPassword);
        psi.Environment["Operators__Accounts__bench__Role"] = "supervisor";
        psi.Environment["Integrations__Partners__bench__ApiKeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        psi.Environment["Integrations__Partners__bench__Scopes__0"] = "cases:read";
        // The per-key rate limit would answer 429 long before the host is loaded: lifted for the measurement only.
        psi.Environment["RateLimits__Integration__PerSecond"] = "1000000";
        psi.Environment["RateLimits__Integration__Burst"] = "1000000";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("host: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string HashWithHost(string repo, string password)
    {
        var dll = Path.Combine(repo, "src", "Takedown.Api", "bin", "Release", "net10.0", "Takedown.Api.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("hash-password");
        using var p = Process.Start(psi)!;
        p.StandardInput.WriteLine(password);
        p.StandardInput.Close();
        var hash = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? hash : throw new InvalidOperationException("hash-password failed");
    }

    internal static async Task WaitUntilUpAsync(string baseUrl)
    {
        using var client = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await client.GetAsync(baseUrl + "/operator/sign-in")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("The API host did not start.");
    }

    private static async Task<string> SignInAsync(string baseUrl)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        var form = await client.GetStringAsync("/operator/sign-in");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["operatorId"] = "bench",
            ["password"] = OperatorPassword,
            ["__RequestVerificationToken"] = token,
        }));
        var cookie = cookies.GetCookies(new Uri(baseUrl + "/operator")).FirstOrDefault(c => c.Name == "takedown-operator");
        return response.StatusCode == HttpStatusCode.Redirect && cookie is not null
            ? $"takedown-operator={cookie.Value}"
            : throw new InvalidOperationException($"Sign-in failed: {response.StatusCode}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed:\n{output}");
    }
}
