using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Testing;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// The statistics page's share answered in time and open cases per day, on a database of its own whose events were
/// recorded on a clock the test moves: cases opened and closed on known days, answers in and after their deadlines.
/// </summary>
public sealed partial class OperatorStatisticsTests(OperatorHost host) : IClassFixture<OperatorHost>
{
    private static readonly DateTimeOffset Today = new(2026, 3, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Statistics_show_the_share_answered_in_time_and_the_open_cases_of_each_of_the_last_30_days()
    {
        var clock = new ManualTimeProvider(Today.AddDays(-100));
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
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // Open before the 30 days, open from 20 days ago, open from 10 days ago until 5 days ago.
        await RecordAsync(40, a, new CaseOpened(a, "TD-STATA001", "nl", EscalationMode.OperatorReview, Today.AddDays(-40)));
        await RecordAsync(20, b, new CaseOpened(b, "TD-STATB001", "nl", EscalationMode.OperatorReview, Today.AddDays(-20)));
        await RecordAsync(10, c, new CaseOpened(c, "TD-STATC001", "nl", EscalationMode.OperatorReview, Today.AddDays(-10)));
        await RecordAsync(5, c, new CaseClosed(c, Today.AddDays(-5)));
        // Answered in time: one erasure request and two platform reports; late: one erasure request.
        await AnsweredErasureAsync(RecordAsync, a, "Op Tijd B.V.", receivedDaysAgo: 60, answeredDaysAgo: 50);
        await AnsweredErasureAsync(RecordAsync, a, "Te Laat B.V.", receivedDaysAgo: 100, answeredDaysAgo: 60);
        await DecidedReportAsync(RecordAsync, b, "Snelplatform", filedDaysAgo: 15, hoursToDecide: 20);
        await DecidedReportAsync(RecordAsync, b, "Snelplatform", filedDaysAgo: 12, hoursToDecide: 50);
        clock.SetUtcNow(Today);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var operatorClient = await OperatorClient.SignInAsync(client, OperatorHost.OperatorId);
        (await operatorClient.PostFormAsync("/operator/statistics", [], "/operator/statistics?handler=Refresh")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var html = await operatorClient.GetHtmlAsync("/operator/statistics");

        var share = Regex.Replace(ShareInTime().Match(html).Groups[1].Value, "<[^>]+>", "");
        Regex.Replace(share, @"\s+", " ").Trim().ShouldBe("Answered in time: 75 % of 4 answered requests with a deadline.");
        var days = DayLabel().Matches(html).Select(m => (Day: DateOnly.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Open: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        days.Count.ShouldBe(30);
        days[0].Day.ShouldBe(DateOnly.FromDateTime(Today.AddDays(-29).UtcDateTime));
        days[^1].Day.ShouldBe(DateOnly.FromDateTime(Today.UtcDateTime));
        foreach (var (day, open) in days)
        {
            var daysAgo = DateOnly.FromDateTime(Today.UtcDateTime).DayNumber - day.DayNumber;
            var expected = daysAgo > 20 ? 1 : daysAgo > 10 ? 2 : daysAgo > 5 ? 3 : 2;
            open.ShouldBe(expected, $"{day:yyyy-MM-dd}, {daysAgo} days ago");
        }
        html.ShouldContain("Snelplatform");
        Regex.IsMatch(html, @"<td>Snelplatform</td><td>2</td><td>[^<]*</td><td>[^<]*</td><td>100 %</td>").ShouldBeTrue("both reports were decided within the 72-hour doxing target");
        Regex.IsMatch(html, @"<td>Te Laat B\.V\.</td><td>1</td><td>[^<]*</td><td>[^<]*</td><td>0 %</td>").ShouldBeTrue();
    }

    private static async Task AnsweredErasureAsync(Func<int, Guid, object[], Task> record, Guid caseId, string controller, int receivedDaysAgo, int answeredDaysAgo)
    {
        var id = Guid.NewGuid();
        var sent = Today.AddDays(-receivedDaysAgo);
        await record(receivedDaysAgo, id,
        [
            new ErasureRequestDrafted(id, caseId, controller, "privacy@example.org", "NL", ["adres"], ["https://example.org/a"], sent),
            new ErasureRequestApproved(id, sent),
            new ErasureRequestSent(id, DateOnly.FromDateTime(sent.UtcDateTime), sent),
        ]);
        await record(answeredDaysAgo, id, [new ErasureRequestAnswered(id, ErasureOutcome.Complied, "Verwijderd.", Today.AddDays(-answeredDaysAgo))]);
    }

    private static async Task DecidedReportAsync(Func<int, Guid, object[], Task> record, Guid caseId, string platform, int filedDaysAgo, int hoursToDecide)
    {
        var id = Guid.NewGuid();
        var filed = Today.AddDays(-filedDaysAgo);
        await record(filedDaysAgo, id,
        [
            new PlatformReportDrafted(id, caseId, platform, ["https://example.org/post/1"], ReportCategory.Doxing, "Mijn adres staat online.", "A. Melder", "melder@example.org", true, filed),
            new PlatformReportFiled(id, "T-" + id.ToString("N")[..8], filed),
            new ContentRemoved(id, filed.AddHours(hoursToDecide)),
        ]);
    }

    [GeneratedRegex("<p data-testid=\"share-in-time\">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex ShareInTime();

    [GeneratedRegex(@"<title>(\d{4}-\d{2}-\d{2}): (\d+) open</title>")]
    private static partial Regex DayLabel();
}
