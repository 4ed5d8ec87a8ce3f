using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Takedown.Application.ControllerDirectory;
using Takedown.Benchmarks.Dashboard;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Testing;

namespace Takedown.Benchmarks.ControllerDirectory;

/// <summary>
/// The controller directory: the import of the shipped snapshot (first load and a re-import that changes nothing), then
/// 10,000 operators' own records on top, then search over all of it through <c>GET /api/v1/controllers?q=</c> with 16
/// clients (wrk, 16 connections), against the <c>/health/live</c> floor measured the same way in the same run.
/// </summary>
public static class DirectoryBenchmark
{
    private const int OwnRecords = 10_000;

    // What victims type: names, brands, domains, with and without typos; two hit operators' own records.
    private static readonly string[] Queries =
    [
        "facebok", "instagarm", "google", "amazon.de", "gmx.net", "telekom", "spotfy", "linkedin", "tiktok", "personenzoeker",
        "web.de", "paypal", "zalando", "booking.com", "microsoft", "apple", "ebay", "twiter", "netflix", "buurtforum 4321",
        "adresbureau 77", "whatsap", "youtube", "meta platforms",
    ];

    public static async Task<string> RunAsync(string connectionString)
    {
        var repo = Repository.Root;
        DashboardBenchmark.Run("dotnet", "build", Path.Combine(repo, "src", "Takedown.Api"), "-c", "Release", "--nologo", "-v", "q");
        var snapshotFolder = Path.Combine(repo, "data", "controller-directory");
        var report = new StringBuilder();

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DatabaseOptions();
        await SchemaMigrator.MigrateAsync(dataSource, options.Schema, DirectorySchema.Component, DirectorySchema.Steps);
        using var directory = new DirectoryRecords(dataSource, options, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        var snapshot = DirectorySnapshot.Read(snapshotFolder);
        var read = clock.Elapsed;
        var first = await directory.ImportAsync(snapshot);
        clock.Restart();
        var again = await directory.ImportAsync(DirectorySnapshot.Read(snapshotFolder));
        var reimport = clock.Elapsed;
        if (again.Inserted + again.Updated + again.KeptOwn != 0)
        {
            throw new InvalidOperationException("Re-importing the same snapshot changed records.");
        }
        clock.Restart();
        for (var i = 0; i < OwnRecords; i++)
        {
            var kind = i % 2 == 0 ? "Buurtforum" : "Adresbureau";
            await directory.SaveOwnAsync(DirectoryKind.Company, $"own-{i}", new JsonObject
            {
                ["relevant-countries"] = new JsonArray("nl"),
                ["categories"] = new JsonArray(i % 2 == 0 ? "social media" : "addresses"),
                ["name"] = $"{kind} {i} B.V.",
                ["address"] = $"Postbus {i}\n1000 AA Amsterdam\nNederland",
                ["email"] = $"privacy@{kind.ToLowerInvariant()}{i}.example",
                ["web"] = $"https://{kind.ToLowerInvariant()}{i}.example",
                ["sources"] = new JsonArray($"https://{kind.ToLowerInvariant()}{i}.example/privacy"),
                ["quality"] = "verified",
            }, "operator:bench", "benchmark load");
        }
        var own = clock.Elapsed;

        report.AppendLine(CultureInfo.InvariantCulture, $"Snapshot: {first.Records:N0} records ({snapshot.Count(r => r.Kind == DirectoryKind.Company):N0} companies, {snapshot.Count(r => r.Kind == DirectoryKind.Authority)} authorities).");
        report.AppendLine();
        report.AppendLine("| Import step | time | vs first import |");
        report.AppendLine("|---|---:|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Read and parse the snapshot (files to JSON) | {read.TotalMilliseconds:N0} ms | {read / first.Took:0.00}× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| First import into empty tables | {first.Took.TotalMilliseconds:N0} ms | 1.00× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Re-import, read included (nothing changes) | {reimport.TotalMilliseconds:N0} ms | {reimport / first.Took:0.00}× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| {OwnRecords:N0} operators' own records, one transaction each with its audit row | {own.TotalMilliseconds:N0} ms | {own / first.Took:0.00}× |");
        report.AppendLine();

        var longTail = LongTail(snapshot);
        var port = DashboardBenchmark.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var host = DashboardBenchmark.StartHost(repo, connectionString, baseUrl);
        try
        {
            await DashboardBenchmark.WaitUntilUpAsync(baseUrl);
            var folder = Repository.NewTempFolder("bench-directory");
            var targets = new (string Name, string Header, string[] Paths)[]
            {
                ("Baseline: GET /health/live", "X-Baseline: 1", ["/health/live"]),
                ($"GET /api/v1/controllers?q= ({Queries.Length} queries in turn)", "Authorization: Bearer " + DashboardBenchmark.ApiKey,
                    [.. Queries.Select(q => "/api/v1/controllers?q=" + Uri.EscapeDataString(q))]),
                ($"GET /api/v1/controllers?q= (long tail: {longTail.Length:N0} distinct queries in turn)", "Authorization: Bearer " + DashboardBenchmark.ApiKey,
                    [.. longTail.Select(q => "/api/v1/controllers?q=" + Uri.EscapeDataString(q))]),
            };
            report.AppendLine(CultureInfo.InvariantCulture, $"Search over {first.Records + OwnRecords:N0} records; wrk, 2 threads, 16 connections (16 clients), 10 s per address after a 2 s warm-up; host and wrk on the same machine.");
            report.AppendLine();
            report.AppendLine("| Address | p50 ms | p95 ms | p99 ms | requests/s | p95 vs baseline |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|");
            double? floor = null;
            for (var t = 0; t < targets.Length; t++)
            {
                var script = Path.Combine(folder, $"t{t}.lua");
                await File.WriteAllTextAsync(script, Lua(targets[t].Header, targets[t].Paths));
                // The warm-up walks the first half of the list (a quarter per thread), the measurement the second half, so
                // the long tail's measurement meets no query the warm-up or the other thread put in memory.
                DashboardBenchmark.Run("wrk", "-t2", "-c16", "-d2s", "-s", script, baseUrl, "--", "0");
                var output = DashboardBenchmark.Run("wrk", "-t2", "-c16", "-d10s", "-s", script, baseUrl, "--", "2");
                var m = DashboardBenchmark.ResultLine().Match(output);
                if (!m.Success || !output.Contains("non2xx=0", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"wrk for {targets[t].Name} failed or got errors:\n{output}");
                }
                var p95 = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                floor ??= p95;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {targets[t].Name} | {DashboardBenchmark.Ms(m.Groups[1].Value)} | {DashboardBenchmark.Ms(m.Groups[2].Value)} | {DashboardBenchmark.Ms(m.Groups[3].Value)} | {double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture):N0} | {p95 / floor.Value:0.0}× |");
            }
            return report.ToString();
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Queries no cache has seen: each company's name, two typos of each of its first two words (a letter dropped, two
    /// swapped) and its web domain, and every operators' record by name and number, shuffled with a fixed seed. The
    /// warm-up and the measurement each walk half of them (<see cref="Lua"/>), so nearly every search reaches the database.
    /// </summary>
    private static string[] LongTail(IReadOnlyList<SnapshotRecord> snapshot)
    {
        var queries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in snapshot.Where(r => r.Kind == DirectoryKind.Company))
        {
            var entry = DirectoryEntry.From(DirectoryKind.Company, record.Slug, 1, false, record.Record);
            var name = entry.Name.ToLowerInvariant();
            queries.Add(name.Length > 40 ? name[..40] : name);
            foreach (var word in name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Where(w => w.Length > 4))
            {
                queries.Add(word.Remove(word.Length / 2, 1));
                queries.Add(string.Concat(word[..1], word[2..3], word[1..2], word[3..]));
            }
            if (entry.Web is { } web && Uri.TryCreate(web, UriKind.Absolute, out var uri))
            {
                queries.Add(uri.Host.StartsWith("www.", StringComparison.Ordinal) ? uri.Host[4..] : uri.Host);
            }
        }
        for (var i = 0; i < OwnRecords; i++)
        {
            queries.Add((i % 2 == 0 ? "buurtforum " : "adresbureau ") + i.ToString(CultureInfo.InvariantCulture));
        }
        var random = new Random(20);
        var list = queries.ToArray();
        random.Shuffle(list);
        return list;
    }

    /// <summary>
    /// A wrk script: the header, the addresses in turn, each thread from its own quarter of the list (the script's
    /// argument, 0 or 2, says from which half), and p50/p95/p99 in microseconds at the end.
    /// </summary>
    private static string Lua(string header, string[] paths)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        var lua = new StringBuilder();
        lua.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"{header[..colon]}\"] = \"{header[(colon + 1)..].Trim()}\"");
        lua.AppendLine("local paths = {");
        foreach (var path in paths)
        {
            lua.AppendLine(CultureInfo.InvariantCulture, $"  \"{path}\",");
        }
        lua.AppendLine("}");
        lua.AppendLine("local threads = 0");
        lua.AppendLine("setup = function(thread) thread:set(\"id\", threads); threads = threads + 1 end");
        lua.AppendLine("local i = 0");
        lua.AppendLine("init = function(args) i = math.floor(((tonumber(args[1]) or 0) + id) * #paths / 4) end");
        lua.AppendLine("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end");
        lua.AppendLine("done = function(summary, latency, requests)");
        lua.AppendLine("  io.write(string.format(\"RESULT p50=%d p95=%d p99=%d rps=%.1f\\n\", latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests / (summary.duration / 1e6)))");
        lua.AppendLine("  io.write(string.format(\"non2xx=%d\\n\", summary.errors.status))");
        lua.AppendLine("end");
        return lua.ToString();
    }
}
