using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Takedown.Api.Operator;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Operators;
using Takedown.Testing;
using Takedown.Application.EventStorage;
using Takedown.Application.Messaging;
using Wolverine.Marten;

namespace Takedown.Api.Tests.Operator;

/// <summary>The operators' queues in a real browser: dead letters, failed letters and replies to confirm.</summary>
public sealed class OperatorQueueTests(OperatorHost host, BrowserFixture browser) : IClassFixture<OperatorHost>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Supervisor_replays_a_dead_letter_back_into_the_queue_and_the_replay_is_audited()
    {
        var id = await host.DeadLetterAsync("file-platform-report", "HttpRequestException: 503 Service Unavailable", "body-marker-7f3a");
        var page = await SignedInAsync(OperatorHost.SupervisorId);

        await page.GotoAsync("/operator");
        int.Parse((await page.TextContentAsync("[data-testid=count-dead-letters] strong"))!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThanOrEqualTo(1);
        await page.ClickAsync("nav a:text('Dead letters')");
        var row = page.Locator($"tr[data-dead-letter='{id}']");
        (await row.TextContentAsync())!.ShouldContain("file-platform-report");
        (await row.TextContentAsync())!.ShouldContain("503 Service Unavailable");
        (await page.ContentAsync()).ShouldNotContain("body-marker-7f3a");
        await BrowserFixture.ScreenshotAsync(page, "operator-dead-letters");

        await row.Locator("[data-testid=replay]").ClickAsync();

        (await page.TextContentAsync("[role=status]"))!.ShouldContain(id.ToString());
        (await page.Locator($"tr[data-dead-letter='{id}']").CountAsync()).ShouldBe(0);
        (await host.CountAsync("SELECT count(*) FROM takedown.dead_letters WHERE id = $1", id)).ShouldBe(0);
        (await host.CountAsync("SELECT count(*) FROM takedown.messages WHERE id = $1 AND attempts = 0 AND body->>'note' = 'body-marker-7f3a'", id)).ShouldBe(1);
        var audit = (await host.Store.FetchStreamAsync(OperatorAudit.StreamOf(OperatorHost.SupervisorId)))
            .Where(e => e.Data is OperatorActionRecorded).ToList();
        audit.ShouldContain(e => ((OperatorActionRecorded)e.Data).SubjectId == id
            && ((OperatorActionRecorded)e.Data).Action == OperatorActions.ReplayDeadLetter && e.Actor() == "operator:sam");
    }

    [Fact]
    public async Task A_deadline_check_wolverine_gave_up_on_is_listed_with_its_error_and_replayed_with_an_audit()
    {
        // Published as the API publishes a check (this host only publishes: no worker listens), then put in Wolverine's
        // dead letters as its error policy leaves a check of a report that does not exist.
        var reportId = Guid.CreateVersion7();
        using (var scope = host.Services.CreateScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
            await using var session = host.Store.LightweightSession();
            outbox.Enroll(session);
            await outbox.PublishAsync(new CheckPlatformResponse(reportId));
            await session.SaveChangesAsync();
        }
        await Webhooks.Eventually.True(async () => await host.CountAsync(
            "SELECT count(*) FROM takedown_messages.wolverine_queue_deadlines WHERE position(convert_to($1, 'UTF8') IN body) > 0", reportId.ToString()) == 1);
        var id = (await host.IdsAsync(
            """
            WITH dead AS (DELETE FROM takedown_messages.wolverine_queue_deadlines WHERE position(convert_to($1, 'UTF8') IN body) > 0 RETURNING id, body, message_type)
            INSERT INTO takedown_messages.wolverine_dead_letters
                (id, body, message_type, received_at, source, exception_type, exception_message, sent_at, replayable)
            SELECT id, body, message_type, 'postgresql://deadlines/', 'takedown', 'Wolverine.Marten.UnknownAggregateException',
                   'Unable to find an aggregate of type PlatformReport', now(), false FROM dead
            RETURNING id
            """, reportId.ToString())).ShouldHaveSingleItem();

        var page = await SignedInAsync(OperatorHost.SupervisorId);
        await page.GotoAsync("/operator/dead-letters");
        var row = page.Locator($"tr[data-dead-letter='{id}']");
        (await row.TextContentAsync())!.ShouldContain("check-platform-response");
        (await row.TextContentAsync())!.ShouldContain("UnknownAggregateException: Unable to find");
        var replayed = await page.APIRequest.PostAsync($"/operator/api/dead-letters/{id}/replay");
        var again = await page.APIRequest.PostAsync($"/operator/api/dead-letters/{id}/replay");

        replayed.Status.ShouldBe(202);
        again.Status.ShouldBe(404);
        // Marked for Wolverine's durability agent, which moves it back to the inbox.
        (await host.CountAsync("SELECT count(*) FROM takedown_messages.wolverine_dead_letters WHERE id = $1 AND NOT replayable", id)).ShouldBe(0);
        (await host.Store.FetchStreamAsync(OperatorAudit.StreamOf(OperatorHost.SupervisorId)))
            .Count(e => e.Data is OperatorActionRecorded a && a.SubjectId == id && a.Action == OperatorActions.ReplayDeadLetter).ShouldBe(1);
    }

    [Fact]
    public async Task Supervisor_retries_a_failed_status_update_and_an_operator_may_not()
    {
        var (webhookId, reportId) = await host.FailedStatusUpdateAsync("StreamVersionConflictException", "{\"marker\":\"body-marker-5e1d\"}");
        var operatorPage = await SignedInAsync(OperatorHost.OperatorId);
        await operatorPage.GotoAsync("/operator/dead-letters");
        (await operatorPage.Locator($"tr[data-failed-update='{webhookId}']").CountAsync()).ShouldBe(1);
        (await operatorPage.Locator("[data-testid=retry-update]").CountAsync()).ShouldBe(0);
        var token = await operatorPage.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var form = operatorPage.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token!);
        (await operatorPage.APIRequest.PostAsync($"/operator/dead-letters?handler=RetryUpdate&integration=sandbox&webhookId={webhookId}",
            new APIRequestContextOptions { Form = form, MaxRedirects = 0 })).Status.ShouldBe(403);
        (await host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = $1 AND outcome = 'failed'", webhookId)).ShouldBe(1);

        var page = await SignedInAsync(OperatorHost.SupervisorId);
        await page.GotoAsync("/operator/dead-letters");
        var row = page.Locator($"tr[data-failed-update='{webhookId}']");
        (await row.TextContentAsync())!.ShouldContain("StreamVersionConflictException");
        (await page.ContentAsync()).ShouldNotContain("body-marker-5e1d");
        await row.Locator("[data-testid=retry-update]").ClickAsync();

        (await page.TextContentAsync("[role=status]"))!.ShouldContain(webhookId);
        (await page.Locator($"tr[data-failed-update='{webhookId}']").CountAsync()).ShouldBe(0);
        // Back in the inbox and taken by the processor: its report belongs to no case, so it is recorded as ignored.
        await Webhooks.Eventually.True(async () =>
            await host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = $1 AND outcome = 'ignored' AND body IS NULL", webhookId) == 1);
        (await host.Store.FetchStreamAsync(OperatorAudit.StreamOf(OperatorHost.SupervisorId))).ShouldContain(e =>
            e.Data is OperatorActionRecorded && ((OperatorActionRecorded)e.Data).SubjectId == reportId
            && ((OperatorActionRecorded)e.Data).Action == OperatorActions.RetryStatusUpdate);
    }

    [Fact]
    public async Task Operator_sees_dead_letters_without_a_replay_button_and_is_refused_by_page_and_api()
    {
        var id = await host.DeadLetterAsync("send-letter", "SmtpException: 451 try again later", "body-marker-11c2");
        var page = await SignedInAsync(OperatorHost.OperatorId);

        await page.GotoAsync("/operator/dead-letters");
        (await page.Locator($"tr[data-dead-letter='{id}']").CountAsync()).ShouldBe(1);
        (await page.Locator("[data-testid=replay]").CountAsync()).ShouldBe(0);
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var form = page.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token!);
        var pagePost = await page.APIRequest.PostAsync($"/operator/dead-letters?handler=Replay&id={id}",
            new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
        var apiPost = await page.APIRequest.PostAsync($"/operator/api/dead-letters/{id}/replay", new APIRequestContextOptions { MaxRedirects = 0 });
        var apiList = await page.APIRequest.GetAsync("/operator/api/dead-letters");

        pagePost.Status.ShouldBe(403);
        apiPost.Status.ShouldBe(403);
        apiPost.Headers["content-type"].ShouldStartWith("application/problem+json");
        apiList.Status.ShouldBe(200);
        var listed = (await apiList.JsonAsync())!.Value.EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == id);
        listed.GetProperty("messageType").GetString().ShouldBe("send-letter");
        listed.TryGetProperty("body", out _).ShouldBeFalse();
        (await apiList.TextAsync()).ShouldNotContain("body-marker-11c2");
        (await host.CountAsync("SELECT count(*) FROM takedown.dead_letters WHERE id = $1", id)).ShouldBe(1);
        (await host.CountAsync("SELECT count(*) FROM takedown.messages WHERE id = $1", id)).ShouldBe(0);
    }

    [Fact]
    public async Task Dead_letter_api_answers_scripts_with_statuses_not_sign_in_pages()
    {
        var id = await host.DeadLetterAsync("check-platform-response", "TimeoutException: no answer", "body-marker-9e01");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.BaseUrl) };
        (await anonymous.GetAsync("/operator/api/dead-letters")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync($"/operator/api/dead-letters/{id}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var page = await SignedInAsync(OperatorHost.SupervisorId);
        var replayed = await page.APIRequest.PostAsync($"/operator/api/dead-letters/{id}/replay");
        var again = await page.APIRequest.PostAsync($"/operator/api/dead-letters/{id}/replay");

        replayed.Status.ShouldBe(202);
        again.Status.ShouldBe(404);
        again.Headers["content-type"].ShouldStartWith("application/problem+json");
        (await host.CountAsync("SELECT count(*) FROM takedown.messages WHERE id = $1", id)).ShouldBe(1);
        // The replay that found nothing recorded nothing: one audit event for this message.
        (await host.Store.FetchStreamAsync(OperatorAudit.StreamOf(OperatorHost.SupervisorId)))
            .Count(e => e.Data is OperatorActionRecorded a && a.SubjectId == id).ShouldBe(1);
    }

    [Fact]
    public async Task Operator_marks_a_failed_letter_handled_and_it_leaves_the_list()
    {
        var (caseId, reference, requestId) = await host.CaseWithOverdueRequestAsync("Verkeerd Adres B.V.", TimeSpan.FromDays(-20));
        var letterId = await host.FailedLetterAsync(caseId, requestId);
        var page = await SignedInAsync(OperatorHost.OperatorId);

        await page.GotoAsync("/operator/letters/failed");
        var row = page.Locator($"tr[data-letter='{letterId}']");
        (await row.TextContentAsync())!.ShouldContain("550 5.1.1 user unknown");
        (await row.TextContentAsync())!.ShouldContain("Verkeerd Adres B.V.");
        (await row.Locator($"a[href='/operator/cases/{caseId}']").TextContentAsync()).ShouldBe(reference);
        await row.Locator("[data-testid=mark-handled]").ClickAsync();

        (await page.TextContentAsync("[role=status]"))!.ShouldContain("handled");
        (await page.Locator($"tr[data-letter='{letterId}']").CountAsync()).ShouldBe(0);
        var audit = (await host.Store.FetchStreamAsync(letterId)).Single(e => e.Data is OperatorActionRecorded);
        ((OperatorActionRecorded)audit.Data).ShouldBe(new OperatorActionRecorded(letterId, "olga", OperatorActions.MarkFailedLetterHandled, ((OperatorActionRecorded)audit.Data).At));
    }

    [Fact]
    public async Task Extension_confirmed_within_the_first_month_extends_the_request()
    {
        var (_, requestId, replyId) = await host.RequestWithReplyAsync("Verlenger B.V.", sentDaysAgo: 10, "Extension",
            "Re: Verzoek tot verwijdering", "Wij verlengen de termijn met twee maanden vanwege het aantal verzoeken.");
        var engine = host.Services.GetRequiredService<DeadlineEngine>();
        var before = (await RequestAsync(requestId)).AnswerDeadline(engine)!.DueDate;
        var page = await SignedInAsync(OperatorHost.OperatorId);

        await page.GotoAsync("/operator/replies");
        var row = page.Locator($"tr[data-reply='{replyId}']");
        (await row.TextContentAsync())!.ShouldContain("Verlenger B.V.");
        (await row.TextContentAsync())!.ShouldContain("Extension");
        // The list shows no content of the mail: that is on the reply's own page only.
        (await page.ContentAsync()).ShouldNotContain("Wij verlengen");
        await BrowserFixture.ScreenshotAsync(page, "operator-replies");
        await row.Locator("a:text('Read and confirm')").ClickAsync();
        (await page.TextContentAsync("[data-testid=reply-subject]")).ShouldBe("Re: Verzoek tot verwijdering");
        (await page.TextContentAsync("[data-testid=reply-body]"))!.ShouldContain("Wij verlengen de termijn met twee maanden");
        (await page.IsCheckedAsync("[data-testid=decision-Extension]")).ShouldBeTrue();
        await page.FillAsync("[data-testid=details]", "Veel verzoeken tegelijk");
        await BrowserFixture.ScreenshotAsync(page, "operator-reply");
        await page.ClickAsync("[data-testid=confirm]");

        page.Url.ShouldBe(host.BaseUrl + "/operator/replies");
        (await page.Locator($"tr[data-reply='{replyId}']").CountAsync()).ShouldBe(0);
        var after = await RequestAsync(requestId);
        after.Extended.ShouldBeTrue();
        after.AnswerDeadline(engine)!.DueDate.ShouldBeGreaterThan(before.AddMonths(1));
        var stream = await host.Store.FetchStreamAsync(requestId);
        stream.Single(e => e.Data is ExtensionClaimed).Actor().ShouldBe("operator:olga");
        ((ReplyMeaningConfirmed)stream.Single(e => e.Data is ReplyMeaningConfirmed).Data).ConfirmedBy.ShouldBe("operator:olga");
        ((OperatorActionRecorded)stream.Single(e => e.Data is OperatorActionRecorded).Data).Action.ShouldBe(OperatorActions.ConfirmReplyMeaning);
        (await host.CountAsync("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1 AND confirmed_meaning = 'Extension' AND confirmed_at IS NOT NULL", replyId))
            .ShouldBe(1);
    }

    [Fact]
    public async Task Extension_arriving_after_the_first_month_is_refused_with_a_readable_reason_and_nothing_changes()
    {
        var (_, requestId, replyId) = await host.RequestWithReplyAsync("Te Laat B.V.", sentDaysAgo: 45, "Extension",
            "Re: Uw verzoek", "Wij hebben meer tijd nodig en verlengen de termijn.");
        var page = await SignedInAsync(OperatorHost.OperatorId);
        await page.GotoAsync($"/operator/replies/{replyId}");
        await page.FillAsync("[data-testid=details]", "Drukte");

        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("[data-testid=confirm]"), r => r.Request.Method == "POST");

        response.Status.ShouldBe(409);
        (await page.TextContentAsync("[data-testid=reply-error]"))!.ShouldContain("within the first month");
        (await page.TextContentAsync("[data-testid=reply-confirmed]")).ShouldBe("not yet");
        (await RequestAsync(requestId)).Extended.ShouldBeFalse();
        (await host.Store.FetchStreamAsync(requestId)).ShouldNotContain(e => e.Data is ReplyMeaningConfirmed || e.Data is OperatorActionRecorded);
        (await host.CountAsync("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1 AND confirmed_meaning IS NULL", replyId)).ShouldBe(1);

        // The operator reads it again and dismisses it instead.
        await page.CheckAsync("[data-testid=decision-Dismiss]");
        await page.ClickAsync("[data-testid=confirm]");
        (await host.CountAsync("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1 AND confirmed_meaning = 'Dismissed'", replyId)).ShouldBe(1);
        ((ReplyMeaningConfirmed)(await host.Store.FetchStreamAsync(requestId)).Single(e => e.Data is ReplyMeaningConfirmed).Data).Meaning.ShouldBe("Unknown");
    }

    private async Task<ErasureRequest> RequestAsync(Guid id) =>
        (await host.Store.AggregateStreamAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;

    private async Task<IPage> SignedInAsync(string operatorId)
    {
        var context = await browser.NewContextAsync(host.BaseUrl, phone: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/operator/sign-in");
        await page.FillAsync("input[name=operatorId]", operatorId);
        await page.FillAsync("input[name=password]", OperatorHost.Password);
        await page.ClickAsync("button[type=submit]");
        page.Url.ShouldBe(host.BaseUrl + "/operator");
        return page;
    }
}
