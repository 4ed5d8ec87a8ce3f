using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Operator;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// The dashboard's counters (ReadModelCounters, and the failed letters' in OperatorSchema) against what they count:
/// the rows of the read models, and the read models rebuilt from the events.
/// </summary>
public sealed class DashboardCounterTests(OperatorHost host) : IClassFixture<OperatorHost>
{
    /// <summary>Every counter summed over its slots, the zero ones left out, in key order.</summary>
    private const string Counters = """
        SELECT 'due ' || due_date || ' ' || due_at, sum(requests) FROM takedown.request_due_counts GROUP BY due_date, due_at HAVING sum(requests) <> 0
        UNION ALL SELECT 'queue ' || queue, sum(items) FROM takedown.queue_counts GROUP BY queue HAVING sum(items) <> 0
        UNION ALL SELECT 'counterparty ' || name, requests FROM takedown.request_counterparties WHERE requests <> 0
        ORDER BY 1
        """;

    /// <summary>The same, counted from the rows.</summary>
    private const string FromRows = """
        SELECT 'due ' || due_date || ' ' || due_at, count(*) FROM takedown.request_overview
            WHERE is_open AND due_at IS NOT NULL AND due_date IS NOT NULL GROUP BY due_date, due_at
        UNION ALL SELECT 'queue needs-operator', count(*) FROM takedown.request_overview WHERE needs_operator HAVING count(*) > 0
        UNION ALL SELECT 'queue escalations', count(*) FROM takedown.request_overview WHERE needs_operator AND kind = 'ap-complaint' HAVING count(*) > 0
        UNION ALL SELECT 'queue replies-to-confirm', count(*) FROM takedown.inbound_mail WHERE confirmed_meaning IS NULL HAVING count(*) > 0
        UNION ALL SELECT 'queue failed-letters', count(*) FROM takedown.letter_overview l WHERE l.status = 'Failed' AND NOT EXISTS (
            SELECT 1 FROM takedown.operator_failed_letter_handled h WHERE h.letter_id = l.id AND h.handled_at >= l.updated_at) HAVING count(*) > 0
        UNION ALL SELECT 'counterparty ' || counterparty, count(*) FROM takedown.request_overview GROUP BY counterparty
        ORDER BY 1
        """;

    [Fact]
    public async Task Counters_follow_every_change_and_equal_those_rebuilt_from_the_events()
    {
        var (late, _, lateRequest) = await host.CaseWithOverdueRequestAsync("Teller Te Laat B.V.", TimeSpan.FromDays(3));
        await host.CaseWithOverdueRequestAsync("Teller Deze Week B.V.", TimeSpan.FromDays(-5));
        await host.CaseWithOverdueRequestAsync("Teller Later B.V.", TimeSpan.FromDays(-20));
        var (_, _, answered) = await host.CaseWithOverdueRequestAsync("Teller Beantwoord B.V.", TimeSpan.FromDays(-3));
        await host.AppendAsync(answered, new ErasureRequestAnswered(answered, ErasureOutcome.Complied, "Verwijderd.", DateTimeOffset.UtcNow));
        await host.CaseWithPreparedComplaintAsync("Teller Klacht B.V.");
        await host.RequestWithReplyAsync("Teller Antwoord B.V.", 3, "Extension", "Verlenging", "Wij verlengen de termijn.");
        var failed = await host.FailedLetterAsync(late, lateRequest);
        var handled = await host.FailedLetterAsync(late, lateRequest);
        await host.ExecuteAsync(
            "INSERT INTO takedown.operator_failed_letter_handled (letter_id, operator_id, handled_at) VALUES ($1, 'olga', now() + interval '1 minute')", handled);

        var live = await ReadAsync(Counters);
        live.ShouldBe(await ReadAsync(FromRows));
        live.ShouldContain(("queue escalations", 1L));
        live.ShouldContain(("queue failed-letters", 1L));
        live.ShouldContain(("queue replies-to-confirm", 1L));
        live.ShouldNotContain(c => c.Key == "counterparty Teller Beantwoord B.V." && c.Count != 1);

        // The dashboard's figures from the counters are what counting the rows at this moment gives.
        var counts = await host.Services.GetRequiredService<OperatorQueries>().CountsAsync(default);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, OperatorQueries.Amsterdam).DateTime);
        (counts.Overdue, counts.DueToday, counts.DueThisWeek).ShouldBe((
            (int)await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE is_open AND due_at < now()"),
            (int)await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE is_open AND due_at >= now() AND due_date <= $1", today),
            (int)await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE is_open AND due_date > $1 AND due_date < $1 + 7", today)));
        counts.Overdue.ShouldBeGreaterThanOrEqualTo(2);
        counts.DueThisWeek.ShouldBeGreaterThanOrEqualTo(1);
        (counts.EscalationsWaiting, counts.FailedLetters, counts.RepliesToConfirm).ShouldBe((1, 1, 1));

        // Deleting the rows takes every counter of theirs to zero (an erasure deletes them so).
        await host.ExecuteAsync("DELETE FROM takedown.request_overview");
        await host.ExecuteAsync("DELETE FROM takedown.letter_overview");
        (await ReadAsync(Counters)).ShouldBe([("queue replies-to-confirm", 1L)]);

        // Marten's rebuild replays every event through the projections; the counters come back as they were.
        using (var daemon = await host.Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync("request-overview", TimeSpan.FromMinutes(2), CancellationToken.None);
            await daemon.RebuildProjectionAsync("letter-overview", TimeSpan.FromMinutes(2), CancellationToken.None);
        }
        (await ReadAsync(Counters)).ShouldBe(live);

        // Marking the failed letter handled takes it off the count; failing again puts it back.
        await host.ExecuteAsync(
            "INSERT INTO takedown.operator_failed_letter_handled (letter_id, operator_id, handled_at) VALUES ($1, 'olga', now() + interval '1 minute')", failed);
        (await host.Services.GetRequiredService<OperatorQueries>().CountsAsync(default)).FailedLetters.ShouldBe(0);
        await host.ExecuteAsync("UPDATE takedown.letter_overview SET updated_at = now() + interval '2 minutes' WHERE id = $1", failed);
        (await host.Services.GetRequiredService<OperatorQueries>().CountsAsync(default)).FailedLetters.ShouldBe(1);
        (await ReadAsync(Counters)).ShouldBe(await ReadAsync(FromRows));
    }

    [Fact]
    public async Task Concurrent_appends_to_requests_due_the_same_day_keep_the_counters_exact()
    {
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            host.CaseWithOverdueRequestAsync($"Teller Gelijktijdig {i % 3} B.V.", TimeSpan.FromDays(1))));

        (await ReadAsync(Counters)).ShouldBe(await ReadAsync(FromRows));
    }

    [Fact]
    public async Task Keyset_pages_list_every_overdue_deadline_once_in_order_forward_and_back()
    {
        for (var i = 0; i < 7; i++)
        {
            await host.CaseWithOverdueRequestAsync($"Pagina {i} B.V.", TimeSpan.FromDays(2 + i));
        }
        var queries = host.Services.GetRequiredService<OperatorQueries>();
        var all = (await queries.DeadlinesAsync(DueWindow.Overdue, OperatorQueries.ListLimit, PageRequest.First, default)).Rows
            .Select(r => r.RequestId).ToList();
        all.Count.ShouldBeGreaterThanOrEqualTo(7);

        var pages = new List<Page<DeadlineRow>> { await queries.DeadlinesAsync(DueWindow.Overdue, 2, PageRequest.First, default) };
        pages[0].Previous.ShouldBeNull();
        while (pages[^1].Next is { } next)
        {
            // The cursor goes through the link's text and back.
            pages.Add(await queries.DeadlinesAsync(DueWindow.Overdue, 2, PageRequest.From(next.ToString(), null), default));
        }
        pages.SelectMany(p => p.Rows.Select(r => r.RequestId)).ShouldBe(all);
        pages.ShouldAllBe(p => p.Rows.Count <= 2);

        var back = pages[^1].Rows.Select(r => r.RequestId).ToList();
        var page = pages[^1];
        while (page.Previous is { } previous)
        {
            page = await queries.DeadlinesAsync(DueWindow.Overdue, 2, PageRequest.From(null, previous.ToString()), default);
            back.InsertRange(0, page.Rows.Select(r => r.RequestId));
        }
        back.ShouldBe(all);
        PageRequest.From("not-a-cursor", null).ShouldBe(PageRequest.First);
    }

    private async Task<List<(string Key, long Count)>> ReadAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return rows;
    }
}
