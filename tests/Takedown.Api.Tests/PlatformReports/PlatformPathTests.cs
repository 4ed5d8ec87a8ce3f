extern alias sandbox;

using System.Net.Http.Json;
using System.Text.Json;
using Takedown.Api.Tests.Webhooks;
using ScenarioStep = sandbox::Takedown.Sandbox.ScenarioStep;
using StepKind = sandbox::Takedown.Sandbox.StepKind;
using Takedown.Application.EventStorage;
using Marten;

namespace Takedown.Api.Tests.PlatformReports;

/// <summary>
/// The whole platform path over real HTTP: the API drafts, the partner approves the notice as shown, the in-process
/// worker files it with the sandbox platform (or sends it as a letter to the e-mail-only platform over real SMTP), the
/// sandbox answers with a signed status webhook to the API, the report changes; after a refusal the internal complaint
/// goes to the sandbox too.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class PlatformPathTests(WebhookHostFixture host) : IAsyncLifetime
{
    private readonly HttpClient _partner = host.Client();

    public Task InitializeAsync() => host.ResetSandboxAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_accepting_platform_When_drafted_Then_filed_and_a_signed_status_webhook_removes_the_content()
    {
        await host.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 1000, WebhookStatus: "content_removed"));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        var filed = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("ticketId").ValueKind == JsonValueKind.String);
        var removed = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Removed");
        removed.GetProperty("platformStatus").GetString().ShouldBe("content_removed");
        removed.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldBe(["platform-report-drafted", "platform-report-approved", "platform-report-filed", "platform-report-status-changed", "content-removed"]);
        var filing = (await host.FilingsAsync()).ShouldHaveSingleItem();
        filing.TicketId.ShouldBe(filed.GetProperty("ticketId").GetString());
        (await host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE report_id = @id AND outcome = 'applied'", ("id", reportId))).ShouldBe(1);
    }

    [Fact]
    public async Task Given_refusing_platform_When_filed_Then_refused_with_reasons_and_the_internal_complaint_window_opens()
    {
        await host.ScriptAsync(new ScenarioStep(StepKind.Refuse, Reasons: "Geen schending van onze voorwaarden."));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        var refused = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Refused");
        refused.GetProperty("internalComplaintWindow").ValueKind.ShouldBe(JsonValueKind.Object);
        refused.GetProperty("internalComplaintWindow").GetProperty("dueDate").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Given_a_refusal_by_status_webhook_When_it_arrives_Then_the_internal_complaint_option_is_visible()
    {
        await host.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 1000, WebhookStatus: "refused", WebhookReasons: "Informatie is van publiek belang."));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        var refused = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Refused");
        refused.GetProperty("internalComplaintWindow").ValueKind.ShouldBe(JsonValueKind.Object);
        var events = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}");
        events.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString()).ShouldContain("content-removal-refused");
    }

    [Fact]
    public async Task Given_429_with_retry_after_When_filing_Then_the_client_waits_and_files_once()
    {
        await host.ScriptAsync(new ScenarioStep(StepKind.TooManyRequests, RetryAfterSeconds: 1), new ScenarioStep(StepKind.Accept));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        var calls = (await host.CallsAsync()).Where(c => c.Method == "POST").ToList();
        calls.Select(c => c.Status).ShouldBe([429, 201]);
        // Retry-After is a floor, not a hint: the second call came no sooner than the platform asked.
        (calls[1].At - calls[0].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        (await host.FilingsAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Given_500s_and_a_lost_answer_When_filing_Then_success_with_exactly_one_filing()
    {
        await host.ScriptAsync(
            new ScenarioStep(StepKind.Error), new ScenarioStep(StepKind.ErrorAfterFiling), new ScenarioStep(StepKind.Error), new ScenarioStep(StepKind.Accept));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        var filed = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        var filing = (await host.FilingsAsync()).ShouldHaveSingleItem();
        filed.GetProperty("ticketId").GetString().ShouldBe(filing.TicketId);
        (await host.CallsAsync()).Where(c => c.Method == "POST").Select(c => c.Status).ShouldBe([500, 500, 500, 200]);
    }

    [Fact]
    public async Task Given_a_drafted_report_When_not_yet_approved_Then_nothing_is_filed_and_the_notice_shows_what_will_be_sent_with_the_warning()
    {
        var (_, reportId) = await WebhookHostFixture.DraftOnlyAsync(_partner);

        var notice = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice");
        notice.GetProperty("channel").GetString().ShouldBe("api");
        notice.GetProperty("awaitsApproval").GetBoolean().ShouldBeTrue();
        var content = notice.GetProperty("content");
        content.GetProperty("reference").GetString().ShouldBe(reportId.ToString("N"));
        content.GetProperty("urls").EnumerateArray().Select(u => u.GetString()).ShouldBe(["https://forum.example/thread/42#post-7"]);
        content.GetProperty("notifierName").GetString().ShouldBe("Anna de Vries");
        content.GetProperty("notifierEmail").GetString().ShouldBe("anna@slachtoffer.example");
        content.GetProperty("goodFaithStatement").GetString()!.ShouldContain("bona fide");
        notice.GetProperty("publicationWarningNl").GetString()!.ShouldContain("Lumen");
        notice.GetProperty("publicationWarningEn").GetString()!.ShouldContain("Lumen");
        var sha = notice.GetProperty("contentSha256").GetString()!;
        sha.ShouldMatch("^[0-9a-f]{64}$");

        var unwarned = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/approve", new { contentSha256 = sha, victimInformedOfPublication = false });
        var otherText = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/approve", new { contentSha256 = new string('0', 64), victimInformedOfPublication = true });
        await Task.Delay(1000);

        unwarned.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await unwarned.Content.ReadAsStringAsync()).ShouldContain("victimInformedOfPublication");
        otherText.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
        (await otherText.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("not the one shown");
        (await host.FilingsAsync()).ShouldBeEmpty();
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}")).GetProperty("status").GetString().ShouldBe("Drafted");

        await WebhookHostFixture.ApproveAsync(_partner, reportId);
        await WebhookHostFixture.ApproveAsync(_partner, reportId);

        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        var filing = (await host.FilingsAsync()).ShouldHaveSingleItem();
        filing.Reference.ShouldBe(reportId.ToString("N"));
        filing.Urls.ShouldBe(["https://forum.example/thread/42#post-7"]);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice")).GetProperty("awaitsApproval").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Given_an_email_only_platform_When_the_notice_is_approved_Then_it_goes_as_a_letter_over_smtp_and_the_report_is_filed_by_email()
    {
        var (_, reportId) = await WebhookHostFixture.DraftOnlyAsync(_partner, "SandboxMail");
        var before = host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress).Count;

        var notice = await WebhookHostFixture.ApproveAsync(_partner, reportId);

        notice.GetProperty("channel").GetString().ShouldBe("email");
        notice.GetProperty("emailTo").GetString().ShouldBe(WebhookHostFixture.MailPlatformAddress);
        var text = notice.GetProperty("plainText").GetString()!;
        foreach (var element in new[] { "artikel 16, tweede lid, onder a", "https://forum.example/thread/42#post-7", "Anna de Vries", "anna@slachtoffer.example", "te goeder trouw" })
        {
            text.ShouldContain(element);
        }
        var filed = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        filed.GetProperty("channel").GetString().ShouldBe("email");
        filed.GetProperty("ticketId").ValueKind.ShouldBe(JsonValueKind.Null);
        filed.GetProperty("responseDeadline").GetProperty("dueAt").GetDateTimeOffset()
            .ShouldBe(filed.GetProperty("filedAt").GetDateTimeOffset().AddHours(48), TimeSpan.FromSeconds(1));
        filed.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldBe(["platform-report-drafted", "platform-report-approved", "platform-report-filed-by-email"]);
        var mails = host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress);
        mails.Count.ShouldBe(before + 1);
        var raw = System.Text.Encoding.UTF8.GetString(mails[^1].Raw);
        raw.ShouldContain("X-Takedown-Content-SHA256: " + notice.GetProperty("contentSha256").GetString());
        var messageId = await host.ScalarAsync(
            "SELECT data->>'messageId' FROM takedown_events.mt_events WHERE stream_id = @id AND type = 'platform-report-filed-by-email'", ("id", reportId));
        raw.ShouldContain("Message-ID: " + messageId);
        (await host.FilingsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Given_concurrent_retries_with_one_idempotency_key_When_drafting_for_an_email_only_platform_Then_one_report_and_one_notice_letter()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner);
        var key = Guid.NewGuid().ToString();
        var body = new
        {
            platform = "SandboxMail",
            urls = new[] { "https://forum.example/t/9" },
            category = "Doxing",
            explanation = "Mijn woonadres staat in dit bericht (Sr art. 285d).",
            notifierName = "Takedown namens het slachtoffer",
            notifierEmail = "notices@takedown.example",
            goodFaithStatement = true,
        };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/platform-reports") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await _partner.SendAsync(request);
        }));

        responses.ShouldAllBe(r => r.StatusCode == System.Net.HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        ids.Distinct().ShouldHaveSingleItem();
        (await host.CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE request_id = @id", ("id", ids[0]))).ShouldBe(1);
    }

    [Fact]
    public async Task Given_a_refusal_by_an_email_only_platform_When_the_partner_lodges_an_internal_complaint_Then_it_goes_once_as_a_letter_to_the_platform()
    {
        var (_, reportId) = await WebhookHostFixture.DraftOnlyAsync(_partner, "SandboxMail");
        await WebhookHostFixture.ApproveAsync(_partner, reportId);
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");
        // What an operator records from the platform's answer by e-mail (docs/platform-reports.md).
        var services = host.ApiServices;
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IDocumentStore>(services);
        var engine = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Takedown.Domain.Deadlines.DeadlineEngine>(services);
        await using (var session = store.LightweightSession(new EventMetadata("test", null, "operator:test")))
        {
            await Takedown.Application.PlatformReports.PlatformDecisions.RecordAsync(session, reportId,
                new(Takedown.Application.PlatformReports.PlatformDecision.Refused, StatementOfReasons: "Niet in strijd met onze voorwaarden."),
                DateTimeOffset.UtcNow, engine, CancellationToken.None);
            await session.SaveChangesAsync();
        }
        var before = host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress).Count;
        const string grounds = "Het bericht noemt het woonadres van het slachtoffer en roept op om langs te gaan.";

        var lodged = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds });
        var again = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds });

        lodged.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await lodged.Content.ReadAsStringAsync());
        again.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var withReceipt = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("internalComplaintId").ValueKind == JsonValueKind.String);
        withReceipt.GetProperty("status").GetString().ShouldBe("InternalComplaint");
        withReceipt.GetProperty("internalComplaintId").GetString()!.ShouldStartWith("e-mail <");
        var mails = host.Smtp.ReceivedFor(WebhookHostFixture.MailPlatformAddress);
        mails.Count.ShouldBe(before + 1, "one complaint, however often it is lodged");
        var raw = System.Text.Encoding.UTF8.GetString(mails[^1].Raw);
        raw.ShouldContain("art. 20 DSA");
        raw.ShouldContain("Message-ID: " + withReceipt.GetProperty("internalComplaintId").GetString()!["e-mail ".Length..]);
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = @id AND type = 'internal-complaint-lodged'", ("id", reportId))).ShouldBe(1);
        (await host.ComplaintsAsync()).ShouldBeEmpty("the sandbox's complaint API is not the e-mail platform's");
    }

    [Fact]
    public async Task Given_a_refusal_When_the_partner_lodges_an_internal_complaint_Then_the_sandbox_gets_it_once_and_its_new_decision_arrives_by_webhook()
    {
        await host.ScriptAsync(
            new ScenarioStep(StepKind.Refuse, Reasons: "Geen schending van onze voorwaarden."),
            new ScenarioStep(StepKind.Accept, WebhookAfterMs: 1000, WebhookStatus: "content_removed"));
        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Refused");
        const string grounds = "Het bericht toont mijn woonadres om mij bang te maken: dat is doxing (Sr art. 285d).";

        var empty = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds = " " });
        var lodged = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds });
        var again = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds });

        empty.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        lodged.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        again.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var removed = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Removed");
        var complaint = (await host.ComplaintsAsync()).ShouldHaveSingleItem();
        complaint.Grounds.ShouldBe(grounds);
        complaint.TicketId.ShouldBe(removed.GetProperty("ticketId").GetString());
        complaint.IdempotencyKey.ShouldNotBeNullOrEmpty();
        var withReceipt = await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("internalComplaintId").ValueKind == JsonValueKind.String);
        withReceipt.GetProperty("internalComplaintId").GetString().ShouldBe(complaint.ComplaintId);
        withReceipt.GetProperty("internalComplaintLodgedAt").ValueKind.ShouldBe(JsonValueKind.String);
        withReceipt.GetProperty("internalComplaintWindow").ValueKind.ShouldBe(JsonValueKind.Null);
        withReceipt.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldContain("internal-complaint-lodged");
        (await host.CallsAsync()).Count(c => c.Path.EndsWith("/complaints", StringComparison.Ordinal)).ShouldBe(1);
        var late = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds = "Nog een keer." });
        late.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Given_a_report_the_platform_did_not_refuse_When_an_internal_complaint_is_lodged_Then_refused_with_the_reason()
    {
        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);
        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Filed");

        var response = await _partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/internal-complaint", new { grounds = "Waarom nog niets?" });

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("after the platform refused");
        (await host.ComplaintsAsync()).ShouldBeEmpty();
    }
}
