using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Api.Tests.Operator;
using Takedown.Application.ControllerDirectory;
using Takedown.Application.EventStorage;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Testing;

namespace Takedown.Api.Tests.ControllerDirectory;

/// <summary>
/// Answer times per directory record on the operators' statistics page, on a database of its own whose events were
/// recorded on a clock the test moves: answers within the month, after it, within a claimed extension, none yet, a
/// request still in its month, a withdrawn one, and a controller typed in by hand.
/// </summary>
public sealed partial class DirectoryAnswerTimesTests(OperatorHost host) : IClassFixture<OperatorHost>
{
    private static readonly DateTimeOffset Today = new(2026, 3, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_statistics_page_shows_per_directory_record_how_often_its_controller_answered_within_the_month()
    {
        await ClearAsync();
        var clock = new ManualTimeProvider(Today.AddDays(-120));
        using var app = host.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        }));
        var store = app.Services.GetRequiredService<IDocumentStore>();
        async Task RecordAsync(int daysAgo, Guid stream, params object[] events)
        {
            clock.SetUtcNow(Today.AddDays(-daysAgo));
            await using var session = store.LightweightSession(new EventMetadata("seed", null, "integration:test"));
            session.Events.Append(stream, events);
            await session.SaveChangesAsync();
        }
        var caseId = Guid.NewGuid();
        await RecordAsync(120, caseId, new CaseOpened(caseId, "TD-DIRA0001", "nl", EscalationMode.OperatorReview, Today.AddDays(-120)));
        async Task<Guid> SentAsync(string? record, string controller, string country, int sentDaysAgo)
        {
            var id = Guid.NewGuid();
            var sent = Today.AddDays(-sentDaysAgo);
            await RecordAsync(sentDaysAgo, id,
                new ErasureRequestDrafted(id, caseId, controller, "privacy@example.org", country, ["adres"], ["https://example.org/a"], sent,
                    DirectoryRecordId: record, DirectoryRecordVersion: record is null ? null : 1),
                new ErasureRequestApproved(id, sent),
                new ErasureRequestSent(id, DateOnly.FromDateTime(sent.UtcDateTime), sent));
            return id;
        }
        Task AnsweredAsync(Guid id, int daysAgo) =>
            RecordAsync(daysAgo, id, new ErasureRequestAnswered(id, ErasureOutcome.Complied, "Verwijderd.", Today.AddDays(-daysAgo)));

        // Meta (facebook): within the month; 40 days after; 70 days after an extension claimed in time; no answer 45 days
        // on (month and deadline over); 5 days on (still in its month, not counted); withdrawn unanswered (not counted).
        await AnsweredAsync(await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 60), 50);
        await AnsweredAsync(await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 100), 60);
        var extended = await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 100);
        await RecordAsync(90, extended, new ExtensionClaimed(extended, "Veel verzoeken.", Today.AddDays(-90)));
        await AnsweredAsync(extended, 30);
        await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 45);
        await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 5);
        var withdrawn = await SentAsync("facebook", "Meta Platforms Ireland Limited", "IE", 50);
        await RecordAsync(40, withdrawn, new ErasureRequestWithdrawn(withdrawn, "Niet meer nodig.", Today.AddDays(-40)));
        // 23andMe: answered within the month; a controller typed in by hand has no record, so no row.
        await AnsweredAsync(await SentAsync("23andme", "23andMe, Inc.", "NL", 40), 35);
        await AnsweredAsync(await SentAsync(null, "Handgetypt B.V.", "NL", 40), 35);
        clock.SetUtcNow(Today);

        var figures = await app.Services.GetRequiredService<DirectoryAnswerTimes>().ListAsync();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var operatorClient = await OperatorClient.SignInAsync(client, OperatorHost.OperatorId);
        var html = await operatorClient.GetHtmlAsync("/operator/statistics");

        figures.Select(f => f.RecordId).ShouldBe(["facebook", "23andme"]);
        figures[0].ShouldBe(new DirectoryAnswerTime("facebook", "Meta Platforms Ireland Limited", Sent: 5, Answered: 3,
            WithinMonth: 1, MonthCounted: 4, InTime: 2, DeadlineCounted: 4, MedianDays: 40));
        figures[1].ShouldBe(new DirectoryAnswerTime("23andme", "23andMe, Inc.", 1, 1, 1, 1, 1, 1, 5));
        Row(html, "facebook").ShouldContain("<td data-testid=\"within-month\">1 of 4</td><td>2 of 4</td><td>40.0</td>");
        Row(html, "23andme").ShouldContain("<td data-testid=\"within-month\">1 of 1</td>");
        html.ShouldNotContain("Handgetypt B.V.</td><td>1</td><td data-testid");
        // No personal data in the read model: the record, the company, times and the outcome.
        await using var dataSource = NpgsqlDataSource.Create(host.ConnectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM takedown.directory_answer_times");
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(7);
    }

    [Fact]
    public async Task Without_requests_from_the_directory_the_section_says_so()
    {
        await ClearAsync();
        var operatorClient = await OperatorClient.SignInAsync(host.BaseUrl, OperatorHost.OperatorId);

        var html = await operatorClient.GetHtmlAsync("/operator/statistics");

        html.ShouldContain("data-testid=\"directory-answers-empty\"");
    }

    private async Task ClearAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(host.ConnectionString);
        await using var clear = dataSource.CreateCommand("DELETE FROM takedown.directory_answer_times");
        await clear.ExecuteNonQueryAsync();
    }

    private static string Row(string html, string record) =>
        Regex.Match(html, $"<tr data-record=\"{Regex.Escape(record)}\">(.*?)</tr>", RegexOptions.Singleline) is { Success: true } m
            ? Regex.Replace(m.Groups[1].Value, @">\s+<", "><")
            : throw new ShouldAssertException($"No row for {record}.");
}
