using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Reports;
using Takedown.Platforms.Webhooks;
using Takedown.Sandbox;

namespace Takedown.Platforms.Tests.Reports;

/// <summary>The report API client against the sandbox platform over real HTTP on 127.0.0.1.</summary>
public sealed class ReportApiTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sandbox.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static IPlatformReportApi Api(ServiceProvider services) =>
        services.GetRequiredService<IPlatformReportApis>().ForPlatform("Sandbox");

    [Fact]
    public async Task Given_complete_notice_When_filed_Then_status_webhook_arrives_signed_and_status_reads_removed()
    {
        await using var services = sandbox.Clients();
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 100, WebhookStatus: "content_removed"));
        var reportId = Guid.NewGuid();

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(reportId, "file-notice"), default);

        filed.State.ShouldBe(NoticeState.Received);
        var webhook = await WaitForWebhookAsync();
        webhook.Verification.ShouldBe(WebhookVerification.Valid);
        NoticeStatusWebhook.TryParse(System.Text.Encoding.UTF8.GetBytes(webhook.Body), out var update).ShouldBeTrue();
        update!.Type.ShouldBe(NoticeStatusWebhook.StatusChangedType);
        update.TicketId.ShouldBe(filed.TicketId);
        update.Reference.ShouldBe("TD-2026-0001");
        update.State.ShouldBe(NoticeState.ContentRemoved);
        var status = await Api(services).GetStatusAsync(filed.TicketId, default);
        status.State.ShouldBe(NoticeState.ContentRemoved);
        var filing = (await sandbox.FilingsAsync()).ShouldHaveSingleItem();
        filing.IdempotencyKey.ShouldBe(IdempotencyKeys.For(reportId, "file-notice"));
        filing.Urls.ShouldBe(Notices.Complete().Urls);
    }

    [Fact]
    public async Task Given_platform_refuses_When_filed_Then_refused_with_its_statement_of_reasons()
    {
        await using var services = sandbox.Clients();
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.Refuse, Reasons: "Not illegal in the Netherlands."));

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);

        filed.State.ShouldBe(NoticeState.Refused);
        filed.StatementOfReasons.ShouldBe("Not illegal in the Netherlands.");
        (await Api(services).GetStatusAsync(filed.TicketId, default)).State.ShouldBe(NoticeState.Refused);
    }

    [Fact]
    public async Task Given_later_refusal_by_webhook_When_filed_Then_webhook_carries_reasons()
    {
        await using var services = sandbox.Clients();
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 50, WebhookStatus: "refused", WebhookReasons: "Public interest."));

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);

        var webhook = await WaitForWebhookAsync();
        webhook.Verification.ShouldBe(WebhookVerification.Valid);
        var status = await Api(services).GetStatusAsync(filed.TicketId, default);
        status.State.ShouldBe(NoticeState.Refused);
        status.StatementOfReasons.ShouldBe("Public interest.");
    }

    [Fact]
    public async Task Given_refused_notice_When_an_internal_complaint_is_filed_twice_with_one_key_Then_one_complaint_and_the_new_decision_arrives_as_webhook()
    {
        await using var services = sandbox.Clients();
        var reportId = Guid.NewGuid();
        await sandbox.ScriptAsync(
            new ScenarioStep(StepKind.Refuse, Reasons: "Not illegal."),
            new ScenarioStep(StepKind.Error),
            new ScenarioStep(StepKind.Accept, WebhookAfterMs: 50, WebhookStatus: "content_removed"));
        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(reportId, "file"), default);
        var complaint = new InternalComplaint(reportId.ToString("N"), "The post shows my home address; that is doxing (Sr art. 285d).");
        var key = IdempotencyKeys.For(reportId, "complaint");

        var first = await Api(services).FileComplaintAsync(filed.TicketId, complaint, key, default);
        var again = await Api(services).FileComplaintAsync(filed.TicketId, complaint, key, default);

        first.TicketId.ShouldBe(filed.TicketId);
        again.ComplaintId.ShouldBe(first.ComplaintId);
        var stored = (await sandbox.ComplaintsAsync()).ShouldHaveSingleItem();
        stored.IdempotencyKey.ShouldBe(key);
        stored.Grounds.ShouldBe(complaint.Grounds);
        (await sandbox.CallsAsync()).Where(c => c.Path.EndsWith("/complaints", StringComparison.Ordinal)).Select(c => c.Status).ShouldBe([500, 201, 200]);
        var webhook = await WaitForWebhookAsync();
        webhook.Verification.ShouldBe(WebhookVerification.Valid);
        NoticeStatusWebhook.TryParse(System.Text.Encoding.UTF8.GetBytes(webhook.Body), out var update).ShouldBeTrue();
        update!.TicketId.ShouldBe(filed.TicketId);
        update.State.ShouldBe(NoticeState.ContentRemoved);
    }

    [Fact]
    public async Task Given_notice_that_was_not_refused_When_an_internal_complaint_is_filed_Then_permanent_failure()
    {
        await using var services = sandbox.Clients();
        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file"), default);

        var failure = await Should.ThrowAsync<PlatformRequestException>(() => Api(services).FileComplaintAsync(
            filed.TicketId, new InternalComplaint("ref", "grounds"), IdempotencyKeys.For(Guid.NewGuid(), "complaint"), default));

        failure.IsTransient.ShouldBeFalse();
        failure.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
        (await sandbox.ComplaintsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_429_with_Retry_After_When_filed_Then_the_wait_is_honoured_and_filed_once(bool asDate)
    {
        await using var services = sandbox.Clients();
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.TooManyRequests, RetryAfterSeconds: 2, RetryAfterAsDate: asDate));

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);

        filed.State.ShouldBe(NoticeState.Received);
        var calls = await sandbox.CallsAsync();
        calls.Select(c => c.Status).ShouldBe([429, 201]);
        // The back-off alone would wait about 10 ms; an HTTP date has whole seconds, so it promises at least one.
        (calls[1].At - calls[0].At).ShouldBeGreaterThanOrEqualTo(asDate ? TimeSpan.FromMilliseconds(950) : TimeSpan.FromMilliseconds(1950));
        (await sandbox.FilingsAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Given_Retry_After_longer_than_allowed_When_filed_Then_transient_failure_carrying_the_wait()
    {
        await using var services = sandbox.Clients(overrides: new Dictionary<string, string?> { ["Platforms:Sandbox:Resilience:MaxRetryAfter"] = "00:00:01" });
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.TooManyRequests, RetryAfterSeconds: 120));

        var error = await Should.ThrowAsync<PlatformRequestException>(
            () => Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));

        error.IsTransient.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(120));
        (await sandbox.CallsAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Given_500s_and_a_lost_answer_When_filed_Then_exactly_one_filing()
    {
        await using var services = sandbox.Clients();
        await sandbox.ScriptAsync(
            new ScenarioStep(StepKind.Error),
            new ScenarioStep(StepKind.ErrorAfterFiling),
            new ScenarioStep(StepKind.Error));
        var key = IdempotencyKeys.For(Guid.NewGuid(), "file-notice");

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), key, default);

        (await sandbox.CallsAsync()).Select(c => c.Status).ShouldBe([500, 500, 500, 200]);
        var filing = (await sandbox.FilingsAsync()).ShouldHaveSingleItem();
        filing.TicketId.ShouldBe(filed.TicketId);

        // The outbox may deliver the same filing again after a crash: still one notice at the platform.
        var again = await Api(services).FileNoticeAsync(Notices.Complete(), key, default);
        again.TicketId.ShouldBe(filed.TicketId);
        (await sandbox.FilingsAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Given_attempt_times_out_while_platform_files_When_retried_Then_exactly_one_filing()
    {
        await using var services = sandbox.Clients(overrides: new Dictionary<string, string?> { ["Platforms:Sandbox:Resilience:AttemptTimeout"] = "00:00:00.300" });
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.Slow, DelayMs: 1500));

        var filed = await Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);

        // Let the slow attempt finish at the platform; it must find the filing the retry already made.
        await WaitUntilAsync(async () => (await sandbox.CallsAsync()).Count >= 2);
        var filing = (await sandbox.FilingsAsync()).ShouldHaveSingleItem();
        filing.TicketId.ShouldBe(filed.TicketId);
    }

    [Fact]
    public async Task Given_persistent_failure_When_filed_twice_Then_circuit_opens_and_second_call_sends_nothing()
    {
        await using var services = sandbox.Clients(overrides: new Dictionary<string, string?>
        {
            ["Platforms:Sandbox:Resilience:MaxRetries"] = "2",
            ["Platforms:Sandbox:Resilience:MinimumThroughput"] = "2",
            ["Platforms:Sandbox:Resilience:BreakDuration"] = "00:01:00",
        });
        await sandbox.ScriptAsync(Enumerable.Repeat(new ScenarioStep(StepKind.Error), 10).ToArray());

        var first = await Should.ThrowAsync<PlatformRequestException>(
            () => Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));
        var callsAfterFirst = (await sandbox.CallsAsync()).Count;
        var second = await Should.ThrowAsync<PlatformRequestException>(
            () => Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));

        first.IsTransient.ShouldBeTrue();
        callsAfterFirst.ShouldBe(2);
        second.IsTransient.ShouldBeTrue();
        second.CircuitOpen.ShouldBeTrue();
        (await sandbox.CallsAsync()).Count.ShouldBe(callsAfterFirst);
        (await sandbox.FilingsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Given_two_platforms_When_one_circuit_opens_Then_the_other_keeps_its_own_client_key_and_breaker()
    {
        // "Forum" is a second platform on the same server: its own keyed Refit client, API key and circuit breaker.
        await using var services = sandbox.Clients(overrides: new Dictionary<string, string?>
        {
            ["Platforms:Sandbox:Resilience:MaxRetries"] = "1",
            ["Platforms:Sandbox:Resilience:MinimumThroughput"] = "2",
            ["Platforms:Sandbox:Resilience:BreakDuration"] = "00:01:00",
            ["Platforms:Forum:BaseUrl"] = sandbox.SandboxUrl.ToString(),
            ["Platforms:Forum:ResponseTarget"] = "1.00:00:00",
            ["Platforms:Forum:Categories:0"] = "privacy",
            ["Platforms:Forum:Auth:Kind"] = "ApiKey",
            ["Platforms:Forum:Auth:Header"] = "X-Api-Key",
            ["Platforms:Forum:Auth:Key"] = "sandbox-key",
        });
        var apis = services.GetRequiredService<IPlatformReportApis>();
        await sandbox.ScriptAsync(new ScenarioStep(StepKind.Error), new ScenarioStep(StepKind.Error));

        (await Should.ThrowAsync<PlatformRequestException>(() => apis.ForPlatform("sandbox").FileNoticeAsync(
            Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default))).IsTransient.ShouldBeTrue();
        var open = await Should.ThrowAsync<PlatformRequestException>(() => apis.ForPlatform("Sandbox").FileNoticeAsync(
            Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));
        var filed = await apis.ForPlatform("Forum").FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);

        open.CircuitOpen.ShouldBeTrue();
        open.Platform.ShouldBe("Sandbox");
        filed.State.ShouldBe(NoticeState.Received);
        (await sandbox.CallsAsync()).Select(c => c.Status).ShouldBe([500, 500, 201]);
    }

    [Fact]
    public async Task Given_wrong_api_key_When_filed_Then_permanent_failure_without_retries()
    {
        await using var services = sandbox.Clients(overrides: new Dictionary<string, string?> { ["Platforms:Sandbox:Auth:Key"] = "wrong" });

        var error = await Should.ThrowAsync<PlatformRequestException>(
            () => Api(services).FileNoticeAsync(Notices.Complete(), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));

        error.Failure.ShouldBe(PlatformFailure.Permanent);
        error.StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        (await sandbox.CallsAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Given_oauth_client_credentials_When_called_repeatedly_Then_token_fetched_once_until_it_nearly_expires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var services = sandbox.Clients("OAuth2ClientCredentials", clock);

        var filed = await Api(services).FileNoticeAsync(Notices.Complete("TD-1"), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);
        await Api(services).FileNoticeAsync(Notices.Complete("TD-2"), IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default);
        await Api(services).GetStatusAsync(filed.TicketId, default);
        var issuedBefore = await sandbox.TokensIssuedAsync();
        // The sandbox's tokens last an hour; 30 s before that the client renews.
        clock.Now += TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(31);
        await Api(services).GetStatusAsync(filed.TicketId, default);

        issuedBefore.ShouldBe(1);
        (await sandbox.TokensIssuedAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Given_incomplete_notice_When_filed_Then_refused_before_any_http_call()
    {
        await using var services = sandbox.Clients();
        var notice = Notices.Complete() with { Urls = ["ftp://files.example.org/x"], GoodFaithStatement = " " };

        var error = await Should.ThrowAsync<IncompleteNoticeException>(
            () => Api(services).FileNoticeAsync(notice, IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));

        error.Missing.ShouldBe([NoticeElement.ExactUrls, NoticeElement.GoodFaithStatement]);
        (await sandbox.CallsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Given_unsupported_category_When_filed_Then_refused_before_any_http_call()
    {
        await using var services = sandbox.Clients();

        await Should.ThrowAsync<ArgumentException>(
            () => Api(services).FileNoticeAsync(Notices.Complete() with { Category = "copyright" }, IdempotencyKeys.For(Guid.NewGuid(), "file-notice"), default));

        (await sandbox.CallsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Given_sandbox_When_health_checked_Then_live_and_ready()
    {
        (await sandbox.Control.GetAsync("health/live")).IsSuccessStatusCode.ShouldBeTrue();
        (await sandbox.Control.GetAsync("health/ready")).IsSuccessStatusCode.ShouldBeTrue();
    }

    private async Task<ReceivedWebhook> WaitForWebhookAsync()
    {
        ReceivedWebhook? webhook = null;
        await WaitUntilAsync(() => Task.FromResult(sandbox.Webhooks.TryDequeue(out webhook)));
        return webhook!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException("The condition did not hold within 15 s.");
            }
            await Task.Delay(25);
        }
    }
}
