extern alias sandbox;

using System.Net.Http.Json;
using System.Text.Json;
using Takedown.Api.Tests.Webhooks;
using ScenarioStep = sandbox::Takedown.Sandbox.ScenarioStep;
using StepKind = sandbox::Takedown.Sandbox.StepKind;

namespace Takedown.Api.Tests.PlatformReports;

/// <summary>
/// The whole platform path over real HTTP: the API drafts, the in-process worker files with the sandbox platform,
/// the sandbox answers with a signed status webhook to the API, the report changes.
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
            .ShouldBe(["platform-report-drafted", "platform-report-filed", "platform-report-status-changed", "content-removed"]);
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
}
