using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Operator;
using Takedown.Testing;
using Xunit.Abstractions;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// The plans PostgreSQL makes for the dashboard's queries, on a caseload large enough that the planner weighs indexes
/// against reading tables as it does in service (20,000 cases, 100,000 requests, vacuumed and analysed; no planner
/// setting changed). Each command is the one the page runs, with its parameters, explained as it would be executed.
/// </summary>
public sealed class DashboardPlanTests(OperatorHost host, ITestOutputHelper output) : IClassFixture<OperatorHost>
{
    private static readonly string[] ReadModels = ["request_overview", "case_overview", "letter_overview", "inbound_mail"];

    [Fact]
    public async Task No_dashboard_query_reads_a_request_read_model_from_end_to_end()
    {
        await using (var connection = new NpgsqlConnection(host.ConnectionString))
        {
            await connection.OpenAsync();
            await Caseload.LoadAsync(connection, 20_000);
            foreach (var table in new[] { "case_overview", "request_overview", "request_due_counts", "queue_counts", "request_counterparties" })
            {
                await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) takedown.{table}", connection);
                await vacuum.ExecuteNonQueryAsync();
            }
        }
        var queries = host.Services.GetRequiredService<OperatorQueries>();
        var later = new Keyset(DateTimeOffset.UtcNow.AddDays(-20), Guid.CreateVersion7());
        var earlier = new Keyset(DateTimeOffset.UtcNow.AddDays(-3), Guid.CreateVersion7());
        var commands = new List<(string Name, string Sql, NpgsqlParameterCollection Parameters, string[] MustUse)>();
        await using var counts = queries.CountsBatch();
        for (var i = 0; i < counts.BatchCommands.Count; i++)
        {
            commands.Add(($"counts {i}", counts.BatchCommands[i].CommandText, counts.BatchCommands[i].Parameters, []));
        }
        // A cursor where the pages' links put it: on a row of the window.
        foreach (var (window, days) in new[] { (DueWindow.Overdue, -20), (DueWindow.Today, 0), (DueWindow.ThisWeek, 3) })
        {
            var at = DateTimeOffset.UtcNow.AddDays(days).AddHours(2);
            var key = new Keyset(at, Guid.CreateVersion7(), DateOnly.FromDateTime(at.UtcDateTime));
            foreach (var (page, name) in new[] { (PageRequest.First, "first"), (new PageRequest(key, null), "later"), (new PageRequest(null, key), "earlier") })
            {
                var command = queries.DeadlinesCommand(window, OperatorQueries.ListLimit, page);
                commands.Add(($"{window} {name}", command.CommandText, command.Parameters, ["request_overview_due_keyset"]));
            }
        }
        var escalations = queries.EscalationsCommand(25);
        commands.Add(("escalations", escalations.CommandText, escalations.Parameters, ["request_overview_operator_keyset"]));
        foreach (var (q, page, index) in new[]
        {
            ("", PageRequest.First, "case_overview_open_opened"),
            ("", new PageRequest(later, null), "case_overview_open_opened"),
            ("", new PageRequest(null, earlier), "case_overview_open_opened"),
            ("Controller", PageRequest.First, "request_overview_counterparty_opened"),
            ("Controller 042", new PageRequest(later, null), "request_overview_counterparty_opened"),
            ("Controller 042", new PageRequest(null, earlier), "request_overview_counterparty_opened"),
            (Caseload.RareName(7), PageRequest.First, "request_overview_counterparty_opened"),
            ("TD-B0001", PageRequest.First, "case_overview_reference_bytes"),
        })
        {
            var (_, command) = queries.SearchCommand(q, page);
            commands.Add(($"search '{q}' {(page.After is not null ? "older" : page.Before is not null ? "newer" : "first")}", command.CommandText, command.Parameters, [index]));
        }

        foreach (var (name, sql, parameters, mustUse) in commands)
        {
            var nodes = await PlanAsync(sql, parameters);
            var plan = string.Join("\n", nodes.Select(n => $"{n.Type} {n.Relation} {n.Index} ({n.Estimate})"));
            output.WriteLine($"{name}:\n{plan}\n");
            nodes.ShouldNotContain(n => n.Type == "Seq Scan" && ReadModels.Contains(n.Relation), $"{name}:\n{plan}");
            foreach (var index in mustUse)
            {
                nodes.ShouldContain(n => n.Index == index, $"{name}:\n{plan}");
            }
        }
    }

    /// <summary>Every node of the plan of <paramref name="sql"/>: its type, the table it reads and the index it uses.</summary>
    private async Task<List<(string Type, string? Relation, string? Index, string Estimate)>> PlanAsync(string sql, NpgsqlParameterCollection parameters)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection);
        foreach (NpgsqlParameter parameter in parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = parameter.Value });
        }
        using var json = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var nodes = new List<(string, string?, string?, string)>();
        void Walk(JsonElement node)
        {
            nodes.Add((node.GetProperty("Node Type").GetString()!,
                node.TryGetProperty("Relation Name", out var relation) ? relation.GetString() : null,
                node.TryGetProperty("Index Name", out var index) ? index.GetString() : null,
                $"rows={node.GetProperty("Plan Rows")} cost={node.GetProperty("Total Cost")}"));
            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    Walk(child);
                }
            }
        }
        Walk(json.RootElement[0].GetProperty("Plan"));
        return nodes;
    }
}
