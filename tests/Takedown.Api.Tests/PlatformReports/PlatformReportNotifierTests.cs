using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Api.Tests.Webhooks;
using Takedown.Application.Letters;
using Takedown.Application.EventStorage;
using Marten;

namespace Takedown.Api.Tests.PlatformReports;

/// <summary>
/// The partner API's choice of notifier (DSA Art. 16(2)(c)): Victim by default, as before; Service puts the service's name
/// and the report's reply address in the notice, and the victim's name and e-mail address nowhere in it.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class PlatformReportNotifierTests(WebhookHostFixture host) : IAsyncLifetime
{
    private const string VictimName = "Anna de Vries";
    private const string VictimEmail = "anna.onvindbaar@slachtoffer.example";
    private readonly HttpClient _partner = host.Client();

    public Task InitializeAsync() => host.ResetSandboxAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, object?> Body(string platform, object? notifier, string? notifierName = null, string? notifierEmail = null) => new Dictionary<string, object?>
    {
        ["platform"] = platform,
        ["urls"] = new[] { "https://forum.example/thread/42#post-7" },
        ["category"] = "Doxing",
        ["explanation"] = "Het woonadres van de persoon namens wie wij melden is zonder toestemming gepubliceerd (Sr art. 285d).",
        ["notifier"] = notifier,
        ["notifierName"] = notifierName,
        ["notifierEmail"] = notifierEmail,
        ["goodFaithStatement"] = true,
    }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    private async Task<Guid> DraftAsync(Guid caseId, Dictionary<string, object?> body)
    {
        var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Given_notifier_Service_When_drafted_Then_the_notice_names_the_service_and_the_reports_reply_address_and_not_the_victim()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: VictimEmail);
        var letters = host.ApiServices.GetRequiredService<LetterWorkflow>();

        var reportId = await DraftAsync(caseId, Body("Sandbox", "Service"));

        var notice = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice");
        var content = notice.GetProperty("content");
        content.GetProperty("notifierName").GetString().ShouldBe(letters.ServiceName);
        content.GetProperty("notifierEmail").GetString().ShouldBe(letters.ReplyAddressFor(reportId));
        content.GetRawText().ShouldNotContain(VictimName);
        content.GetRawText().ShouldNotContain(VictimEmail);
        content.GetProperty("goodFaithStatement").GetString()!.ShouldContain("bona fide");

        await WebhookHostFixture.ApproveAsync(_partner, reportId);
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
    }

    [Fact]
    public async Task Given_notifier_Service_and_an_email_only_platform_When_drafted_Then_the_letter_names_neither_the_victim_nor_their_address()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: VictimEmail);
        var letters = host.ApiServices.GetRequiredService<LetterWorkflow>();

        var reportId = await DraftAsync(caseId, Body("SandboxMail", "Service"));

        var notice = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice");
        var text = notice.GetProperty("plainText").GetString()!;
        text.ShouldContain(letters.ReplyAddressFor(reportId));
        text.ShouldContain("te goeder trouw");
        text.ShouldNotContain(VictimName);
        text.ShouldNotContain(VictimEmail);
        notice.GetRawText().ShouldNotContain(VictimName);
        notice.GetRawText().ShouldNotContain(VictimEmail);
    }

    [Fact]
    public async Task Given_notifier_Service_and_a_refusal_by_an_email_only_platform_When_the_complaint_is_lodged_Then_the_letter_names_the_service_as_notifier()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: VictimEmail);
        var letters = host.ApiServices.GetRequiredService<LetterWorkflow>();
        var reportId = await DraftAsync(caseId, Body("SandboxMail", "Service"));
        await WebhookHostFixture.ApproveAsync(_partner, reportId);
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        var store = host.ApiServices.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession(new EventMetadata("test", null, "operator:test")))
        {
            await Takedown.Application.PlatformReports.PlatformDecisions.RecordAsync(session, reportId,
                new(Takedown.Application.PlatformReports.PlatformDecision.Refused, StatementOfReasons: "Niet in strijd met onze voorwaarden."),
                DateTimeOffset.UtcNow, host.ApiServices.GetRequiredService<Takedown.Domain.Deadlines.DeadlineEngine>(), CancellationToken.None);
            await session.SaveChangesAsync();
        }
        var before = host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress).Count;

        var lodged = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds = "Het adres staat er nog steeds." });

        lodged.StatusCode.ShouldBe(HttpStatusCode.Accepted, await lodged.Content.ReadAsStringAsync());
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("internalComplaintId").ValueKind == JsonValueKind.String);
        var raw = System.Text.Encoding.UTF8.GetString(host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress).Skip(before).Single().Raw);
        var text = Portal.PortalFactory.DecodeQuotedPrintable(raw);
        text.ShouldContain("namens een persoon die door deze inhoud wordt getroffen");
        text.ShouldNotContain($"namens {letters.ServiceName}");
        text.ShouldNotContain(VictimName);
        text.ShouldNotContain(VictimEmail);
    }

    [Fact]
    public async Task Given_notifier_Victim_When_drafted_Then_the_notice_carries_the_name_and_address_given()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: VictimEmail);

        var reportId = await DraftAsync(caseId, Body("Sandbox", "Victim", VictimName, VictimEmail));

        var content = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice")).GetProperty("content");
        content.GetProperty("notifierName").GetString().ShouldBe(VictimName);
        content.GetProperty("notifierEmail").GetString().ShouldBe(VictimEmail);
    }

    [Fact]
    public async Task Given_a_notifier_that_is_not_exactly_a_name_or_Service_with_a_name_When_drafted_Then_400_and_nothing_is_drafted()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: VictimEmail);
        Dictionary<string, object?>[] bodies =
        [
            Body("Sandbox", "service"), Body("Sandbox", 1), Body("Sandbox", "Victim,Service"), Body("Sandbox", " Service"),
            Body("Sandbox", "Service", VictimName), Body("Sandbox", "Service", notifierEmail: VictimEmail),
        ];

        foreach (var body in bodies)
        {
            var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", body);
            var problem = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, JsonSerializer.Serialize(body) + " " + problem);
            problem.ShouldContain("notifier");
        }
        (await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE case_id = @id", ("id", caseId))).ShouldBe(0);
    }
}
