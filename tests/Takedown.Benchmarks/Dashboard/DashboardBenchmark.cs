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
/// Loads 10,000 cases and 50,000 requests into the read models, starts the API host (Release build) as a process
/// of its own and measures the operator dashboard's main pages and the status API with wrk from a third process.
/// Returns a Markdown table (p50/p95/p99 latency and requests per second per address).
/// </summary>
public static partial class DashboardBenchmark
{
    private const int Cases = 10_000;
    private const int RequestsPerCase = 5;
    internal const string ApiKey = "bench-api-key-0123456789abcdef";
    private const string OperatorPassword = "bench operator password";

    // Counterparties the statistics group by: companies and platforms, never people.
    private static readonly string[] Controllers = [.. Enumerable.Range(1, 150).Select(i => $"Controller {i:D3} B.V.")];
    private static readonly string[] Platforms = [.. Enumerable.Range(1, 30).Select(i => $"Platform {i:D2}")];
    private static readonly string[] Categories = ["Doxing", "Stalking", "IntimateImages", "Threats"];

    public static async Task<string> RunAsync(string connectionString)
    {
        var repo = Repository.Root;
        Run("dotnet", "build", Path.Combine(repo, "src", "Takedown.Api"), "-c", "Release", "--nologo", "-v", "q");
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var host = StartHost(repo, connectionString, baseUrl);
        try
        {
            await WaitUntilUpAsync(baseUrl);
            var caseIds = await LoadAsync(connectionString);
            var cookie = await SignInAsync(baseUrl);
            var folder = Repository.NewTempFolder("bench-dashboard");
            var sample = caseIds.Take(200).ToArray();
            var targets = new (string Name, string Path, string Header, Guid[]? Ids, string Template)[]
            {
                // The floor every address stands on, measured the same way: Kestrel, the middleware and wrk, no database.
                ("Baseline: GET /health/live", "/health/live", "X-Baseline: 1", null, ""),
                ("Dashboard (counts, overdue, escalations)", "/operator", "Cookie: " + cookie, null, ""),
                ("Overdue list (200 rows)", "/operator/deadlines?due=Overdue", "Cookie: " + cookie, null, ""),
                ("Due this week", "/operator/deadlines?due=ThisWeek", "Cookie: " + cookie, null, ""),
                ("Statistics (percentiles, 30-day series)", "/operator/statistics", "Cookie: " + cookie, null, ""),
                ("Case search by counterparty", "/operator/cases?q=Controller%20042", "Cookie: " + cookie, null, ""),
                ("Case page", "", "Cookie: " + cookie, sample, "/operator/cases/{0}"),
                ("Status API GET /api/v1/cases/{id}", "", "Authorization: Bearer " + ApiKey, sample, "/api/v1/cases/{0}"),
            };
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"{Cases:N0} cases, {Cases * RequestsPerCase:N0} requests in the read models; wrk, 2 threads, 8 connections, 10 s per address after a 2 s warm-up; host and wrk on the same 2 cores.");
            report.AppendLine();
            report.AppendLine("| Address | p50 ms | p95 ms | p99 ms | requests/s | p95 vs baseline |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|");
            double? floor = null;
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
                var p95 = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                floor ??= p95;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {target.Name} | {Ms(m.Groups[1].Value)} | {Ms(m.Groups[2].Value)} | {Ms(m.Groups[3].Value)} | {double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture):N0} | {p95 / floor.Value:0.0}× |");
            }
            return report.ToString();
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
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

    /// <summary>Rows as the projections write them: cases over the last year, requests with deadlines around today.</summary>
    private static async Task<Guid[]> LoadAsync(string connectionString)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var truncate = new NpgsqlCommand("TRUNCATE takedown.case_overview, takedown.request_overview", connection))
        {
            await truncate.ExecuteNonQueryAsync();
        }
        var caseIds = new Guid[Cases];
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY takedown.case_overview (id, reference, owner, language, status, escalation_mode, opened_at, updated_at, version) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Cases; i++)
            {
                caseIds[i] = Guid.CreateVersion7();
                var opened = now.AddDays(-random.Next(1, 365));
                var closed = random.Next(10) < 3;
                await writer.StartRowAsync();
                await writer.WriteAsync(caseIds[i], NpgsqlDbType.Uuid);
                await writer.WriteAsync($"TD-B{i:D7}", NpgsqlDbType.Text);
                await writer.WriteAsync("integration:bench", NpgsqlDbType.Text);
                await writer.WriteAsync("nl", NpgsqlDbType.Text);
                await writer.WriteAsync(closed ? "Closed" : "Open", NpgsqlDbType.Text);
                await writer.WriteAsync(random.Next(4) == 0 ? "Automatic" : "OperatorReview", NpgsqlDbType.Text);
                await writer.WriteAsync(opened, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(closed ? opened.AddDays(random.Next(30, 200)) : opened, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
            }
            await writer.CompleteAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY takedown.request_overview (id, case_id, kind, status, is_open, counterparty, category, opened_at, sent_at, answered_at,
                outcome, deadline_kind, due_date, due_at, explanation_nl, explanation_en, needs_operator, answered_in_time, updated_at, version)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var caseId in caseIds)
            {
                for (var r = 0; r < RequestsPerCase; r++)
                {
                    var roll = random.Next(10);
                    var kind = roll < 6 ? "erasure" : roll < 9 ? "platform" : "ap-complaint";
                    var opened = now.AddDays(-random.Next(5, 120));
                    var sent = opened.AddDays(1);
                    var answered = random.Next(2) == 0;
                    var answeredAt = answered ? sent.AddHours(random.Next(2, kind == "erasure" ? 24 * 60 : 24 * 10)) : (DateTimeOffset?)null;
                    var due = today.AddDays(random.Next(-40, 60));
                    var isOpen = !answered;
                    var status = kind switch
                    {
                        "erasure" => answered ? "Answered" : due < today ? "DeadlineMissed" : "Sent",
                        "platform" => answered ? (random.Next(3) == 0 ? "Refused" : "Removed") : "Filed",
                        _ => random.Next(3) == 0 ? "Prepared" : "Lodged",
                    };
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(caseId, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(kind, NpgsqlDbType.Text);
                    await writer.WriteAsync(status, NpgsqlDbType.Text);
                    await writer.WriteAsync(isOpen, NpgsqlDbType.Boolean);
                    await writer.WriteAsync(kind == "erasure" ? Controllers[random.Next(Controllers.Length)] : kind == "platform" ? Platforms[random.Next(Platforms.Length)] : "Autoriteit Persoonsgegevens", NpgsqlDbType.Text);
                    await Nullable(writer, kind == "platform" ? Categories[random.Next(Categories.Length)] : null, NpgsqlDbType.Text);
                    await writer.WriteAsync(opened, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(sent, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, answeredAt, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, answered ? (kind == "platform" ? status : "Complied") : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? "gdpr-answer" : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? due : (DateOnly?)null, NpgsqlDbType.Date);
                    await Nullable(writer, isOpen ? new DateTimeOffset(due.ToDateTime(new TimeOnly(22, 59, 59)), TimeSpan.Zero) : (DateTimeOffset?)null, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, isOpen ? "Het antwoord moet uiterlijk binnen zijn (AVG art. 12 lid 3)." : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? "The answer is due (GDPR Art. 12(3))." : null, NpgsqlDbType.Text);
                    await writer.WriteAsync(status is "DeadlineMissed" or "Prepared", NpgsqlDbType.Boolean);
                    await Nullable(writer, answered ? random.Next(10) < 8 : (bool?)null, NpgsqlDbType.Boolean);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(3L, NpgsqlDbType.Bigint);
                }
            }
            await writer.CompleteAsync();
        }
        // A table in service has been vacuumed by autovacuum: its visibility map lets the counts read the index alone.
        // Right after a bulk load it has not, so the first minutes would measure the load, not the pages.
        foreach (var table in new[] { "takedown.case_overview", "takedown.request_overview" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {table}", connection);
            await vacuum.ExecuteNonQueryAsync();
        }
        return caseIds;
    }

    private static Task Nullable(NpgsqlBinaryImporter writer, object? value, NpgsqlDbType type) =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);

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
