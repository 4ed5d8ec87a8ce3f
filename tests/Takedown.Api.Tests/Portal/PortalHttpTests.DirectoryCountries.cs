using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// A directory record in a country whose public holidays the deadline engine does not know (23andme, in the United
/// States): the portal says which calendar counts the deadline, and the request is made on the Dutch calendar.
/// </summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task A_record_in_a_country_without_a_holiday_calendar_is_picked_and_its_deadline_counts_on_the_Dutch_calendar()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        var found = JsonDocument.Parse(await victim.GetHtmlAsync("/melden?handler=Search&q=23andme")).RootElement.EnumerateArray().ToList();
        var page = WebUtility.HtmlDecode(await (await victim.PostFormAsync("/melden", [new("DirectoryQuery", "23andme")], "/melden?handler=Search")).Content.ReadAsStringAsync());
        var casePath = await victim.StartTakedownAsync(
        [
            new("Name", "Anna de Vries"), new("Email", NewEmail()), new("What", "address"), new("Urls", "https://www.23andme.com/profile/1"),
            new("Erasure", "true"), new("DirectoryRecordId", "23andme"), new("ControllerCountry", "NL"),
        ]);

        var andMe = found.Single(e => e.GetProperty("id").GetString() == "23andme");
        andMe.GetProperty("countrySupported").GetBoolean().ShouldBeFalse();
        andMe.GetProperty("calendarNote").GetString()!.ShouldContain("Nederlandse kalender");
        page.ShouldContain("data-testid=\"calendar-note\"");
        var caseId = Guid.Parse(casePath[^36..]);
        await using var find = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT id FROM takedown.request_overview WHERE case_id = $1 AND kind = 'erasure'");
        find.Parameters.Add(new NpgsqlParameter { Value = caseId });
        var requestId = (Guid)(await find.ExecuteScalarAsync())!;
        var stream = await factory.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(requestId);
        var drafted = stream.Select(e => e.Data).OfType<ErasureRequestDrafted>().Single();
        drafted.DirectoryRecordId.ShouldBe("23andme");
        drafted.ControllerCountry.ShouldBe("NL");
        drafted.ControllerEmail.ShouldBe("privacy@23andme.com");
    }
}
