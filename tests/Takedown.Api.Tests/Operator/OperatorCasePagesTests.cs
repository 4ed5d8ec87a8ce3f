using Takedown.Application.EventStorage;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Api.Operator;
using Takedown.Api.Portal;
using Takedown.Domain.Cases;
using Takedown.Domain.EvidenceDiaries;
using Takedown.Domain.Operators;
using Takedown.Domain.PlatformReports;

namespace Takedown.Api.Tests.Operator;

/// <summary>The case search and a case's page with its full history, over HTTP against the host on a real socket.</summary>
public sealed partial class OperatorCasePagesTests(OperatorHost host) : IClassFixture<OperatorHost>
{
    [Fact]
    public async Task Case_page_shows_every_event_that_concerns_the_case_in_order_with_who_acted_and_nothing_of_what_was_written()
    {
        var (caseId, reference, requestId) = await host.CaseWithOverdueRequestAsync("Historie B.V.", TimeSpan.FromDays(3));
        var letterId = await host.FailedLetterAsync(caseId, requestId);
        var victim = Guid.NewGuid();
        await host.Services.GetRequiredService<PortalDiary>().RecordAsync(caseId, new DiaryEntryInput(
            DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), null, "Bij de bakker", "tien minuten", "diary-secret-4c1e: hij stond weer voor de deur",
            ["de buurvrouw"], []), $"victim:{victim}", "test", CancellationToken.None);
        var reportId = await host.DecidedPlatformReportAsync(caseId, "Historieplatform", ReportCategory.Doxing, removed: true, afterDays: 1);
        var (update, _) = await host.FailedStatusUpdateAsync("TimeoutException", "{\"marker\":\"history\"}", reportId);
        // An audit event about another case's report: it must not show up here.
        var (otherCase, _) = await host.OpenCaseAsync(EscalationMode.OperatorReview);
        var otherReport = await host.DecidedPlatformReportAsync(otherCase, "Historieplatform", ReportCategory.Doxing, removed: true, afterDays: 1);
        var (otherUpdate, _) = await host.FailedStatusUpdateAsync("TimeoutException", "{\"marker\":\"other\"}", otherReport);
        var olga = await OperatorClient.SignInAsync(host.BaseUrl, OperatorHost.OperatorId);
        var sam = await OperatorClient.SignInAsync(host.BaseUrl, OperatorHost.SupervisorId);
        (await olga.PostFormAsync("/operator/letters/failed", [], $"/operator/letters/failed?handler=Handled&id={letterId}"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        foreach (var webhookId in new[] { update, otherUpdate })
        {
            (await sam.PostFormAsync("/operator/dead-letters", [], $"/operator/dead-letters?handler=RetryUpdate&integration=sandbox&webhookId={webhookId}"))
                .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        // The retried updates are not status updates: the inbox processor records them as ignored and appends nothing.
        await Webhooks.Eventually.True(async () =>
            await host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = ANY($1) AND outcome = 'ignored'", (object)new[] { update, otherUpdate }) == 2);

        var html = await olga.GetHtmlAsync($"/operator/cases/{caseId}");

        var rows = OperatorClient.Rows(html, "history");
        var sequences = SequenceOf().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        sequences.ShouldBe(sequences.Order().ToList(), "in the order they were recorded");
        var audit = (await host.Store.FetchStreamAsync(OperatorAudit.StreamOf(OperatorHost.SupervisorId)))
            .Where(e => e.Data is OperatorActionRecorded a && a.SubjectId == reportId).ToList();
        audit.Count.ShouldBe(1);
        var expected = 0;
        foreach (var stream in new[] { caseId, requestId, letterId, EvidenceDiary.IdFor(caseId), reportId })
        {
            expected += (await host.Store.FetchStreamAsync(stream)).Count;
        }
        rows.Count.ShouldBe(expected + audit.Count, string.Join("\n", rows.Select(r => string.Join(" | ", r))));
        rows.ShouldContain(r => r[1] == "case-opened" && r[2] == "integration:test" && r[3].StartsWith("case", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1] == "erasure-request-sent" && r[3].StartsWith("erasure Historie B.V.", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1] == "letter-send-failed" && r[3].StartsWith("letter (ErasureRequest)", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1] == "operator-action-recorded: mark-failed-letter-handled" && r[2] == "operator:olga"
            && r[3].StartsWith("letter (ErasureRequest)", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1] == "diary-entry-recorded" && r[2] == "victim" && r[3].StartsWith("evidence diary", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1] == "content-removed" && r[3].StartsWith("platform Historieplatform", StringComparison.Ordinal));
        rows.Single(r => r[1] == "operator-action-recorded: retry-status-update").ShouldSatisfyAllConditions(
            r => r[2].ShouldBe("operator:sam"), r => r[3].ShouldStartWith("operator audit"));
        // Operators see that the victim wrote in the diary, never what, nor the victim's account.
        foreach (var written in new[] { "diary-secret-4c1e", "Bij de bakker", "de buurvrouw", victim.ToString(), "https://example.org" })
        {
            html.ShouldNotContain(written);
        }
        html.ShouldContain(reference);
    }

    [Fact]
    public async Task Case_search_finds_by_reference_prefix_case_id_and_counterparty_and_treats_wildcards_as_text()
    {
        var (found, reference, _) = await host.CaseWithOverdueRequestAsync("Zoekbaar Ander_Bedrijf%", TimeSpan.FromDays(-10));
        var (other, otherReference, _) = await host.CaseWithOverdueRequestAsync("Kapper Bakker B.V.", TimeSpan.FromDays(-10));
        var (closed, closedReference) = await host.OpenCaseAsync(EscalationMode.OperatorReview);
        await host.AppendAsync(closed, new CaseClosed(closed, DateTimeOffset.UtcNow));
        var olga = await OperatorClient.SignInAsync(host.BaseUrl, OperatorHost.OperatorId);

        async Task<IReadOnlyList<Guid>> SearchAsync(string q) =>
            [.. CaseLink().Matches(await olga.GetHtmlAsync("/operator/cases?q=" + Uri.EscapeDataString(q))).Select(m => Guid.Parse(m.Groups[1].Value))];

        (await SearchAsync(reference)).ShouldBe([found]);
        (await SearchAsync(reference[..6].ToLowerInvariant())).ShouldContain(found);
        (await SearchAsync(found.ToString())).ShouldBe([found]);
        (await SearchAsync("zoekbaar")).ShouldBe([found]);
        (await SearchAsync("kapper bak")).ShouldBe([other]);
        // % and _ are letters in a name, not wildcards: "r_B" matches "Ander_Bedrijf" only, never "Kapper Bakker".
        (await SearchAsync("r_B")).ShouldBe([found]);
        (await SearchAsync("rijf%")).ShouldBe([found]);
        (await SearchAsync("%%%")).ShouldBeEmpty();
        // Fewer than three letters of a name would match most requests: the page asks for more instead of searching.
        (await SearchAsync("ka")).ShouldBeEmpty();
        (await olga.GetHtmlAsync("/operator/cases?q=ka")).ShouldContain("data-testid=\"too-short\"");
        (await SearchAsync("Bestaat Niet B.V.")).ShouldBeEmpty();
        // A victim's name is not in the read models, so it finds nothing: operators cannot look victims up.
        (await SearchAsync("Anna de Vries")).ShouldBeEmpty();
        (await SearchAsync(closedReference)).ShouldBe([closed]);
        var open = await SearchAsync("");
        open.ShouldContain(found);
        open.ShouldContain(other);
        open.ShouldNotContain(closed, "without a query the page lists open cases");
        (await SearchAsync(otherReference)).ShouldBe([other]);
        (await olga.GetHtmlAsync("/operator/cases?q=nothing-matches-this")).ShouldContain("No cases found.");
    }

    [Fact]
    public async Task Case_search_by_name_can_use_a_trigram_index()
    {
        await host.CaseWithOverdueRequestAsync("Trigram Uitgeverij B.V.", TimeSpan.FromDays(-10));
        // The search looks the name part up among the counterparties' names (one row per name), then reads each name's
        // requests by index.
        await using var connection = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The planner picks the index by itself once the table is large; with sequential scans off it shows it can now.
        await using (var off = new Npgsql.NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, transaction))
        {
            await off.ExecuteNonQueryAsync();
        }
        await using var explain = new Npgsql.NpgsqlCommand(
            "EXPLAIN SELECT name FROM takedown.request_counterparties WHERE requests > 0 AND name ILIKE '%uitgeverij%'", connection, transaction);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }
        string.Join("\n", plan).ShouldContain("request_counterparties_trgm");
    }

    [GeneratedRegex("<tr data-event=\"(\\d+)\">")]
    private static partial Regex SequenceOf();

    [GeneratedRegex("href=\"/operator/cases/([0-9a-f-]{36})\"")]
    private static partial Regex CaseLink();
}
