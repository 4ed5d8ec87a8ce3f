extern alias sandbox;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ScenarioStep = sandbox::Takedown.Sandbox.ScenarioStep;
using StepKind = sandbox::Takedown.Sandbox.StepKind;

using Takedown.Testing;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>Subscriptions and outgoing deliveries: signed (checked with Python), retried, logged, disabled after failing.</summary>
[Collection(WebhookCollection.Name)]
public sealed class OutgoingWebhookTests(WebhookHostFixture host) : IAsyncLifetime
{
    private readonly HttpClient _partner = host.Client();
    private readonly HttpClient _other = host.Client(WebhookHostFixture.OtherKey);

    public async Task InitializeAsync()
    {
        await host.ResetSandboxAsync();
        host.SubscriberStatus = 204;
        foreach (var client in new[] { _partner, _other })
        {
            foreach (var s in (await client.GetFromJsonAsync<JsonElement>("/api/v1/webhook-subscriptions")).EnumerateArray())
            {
                await client.DeleteAsync($"/api/v1/webhook-subscriptions/{s.GetProperty("id").GetGuid()}");
            }
        }
        host.Deliveries.Clear();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_a_subscription_When_a_report_is_filed_and_removed_Then_signed_deliveries_without_personal_data()
    {
        var (id, secret) = await SubscribeAsync(_partner, host.SubscriberUrl.ToString());
        await host.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 500, WebhookStatus: "content_removed"));

        var (caseId, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        await Eventually.True(() => Task.FromResult(host.Deliveries.Count >= 2));
        var deliveries = host.Deliveries.ToList();
        var types = new List<string>();
        foreach (var delivery in deliveries)
        {
            // Signed by our code, checked by Python's: the receiver's side of the same scheme.
            PythonSigner.Sign(delivery.Id, long.Parse(delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture), delivery.Body, secret)
                .ShouldBe(delivery.Signature);
            var text = Encoding.UTF8.GetString(delivery.Body);
            text.ShouldNotContain("anna", Case.Insensitive);
            text.ShouldNotContain("forum.example");
            text.ShouldNotContain("woonadres");
            using var json = JsonDocument.Parse(text);
            json.RootElement.GetProperty("data").GetProperty("caseId").GetGuid().ShouldBe(caseId);
            json.RootElement.GetProperty("data").GetProperty("requestId").GetGuid().ShouldBe(reportId);
            types.Add(json.RootElement.GetProperty("type").GetString()!);
        }
        types.ShouldBe(["platform_report.filed", "platform_report.content_removed"]);
        deliveries.Select(d => d.Id).Distinct().Count().ShouldBe(2);
        var log = await Eventually.Async(async () =>
        {
            var l = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/webhook-subscriptions/{id}/deliveries");
            return l.GetArrayLength() == 2 ? l : (JsonElement?)null;
        });
        log.EnumerateArray().ShouldAllBe(e => e.GetProperty("outcome").GetString() == "delivered" && e.GetProperty("statusCode").GetInt32() == 204);
    }

    [Fact]
    public async Task Given_an_event_type_filter_and_another_partner_When_events_happen_Then_only_matching_own_events_are_delivered()
    {
        await SubscribeAsync(_partner, host.SubscriberUrl.ToString(), ["platform_report.content_removed"]);
        await SubscribeAsync(_other, host.SubscriberUrl + "?other");
        await host.ScriptAsync(new ScenarioStep(StepKind.Accept, WebhookAfterMs: 500, WebhookStatus: "content_removed"));

        var (_, reportId) = await WebhookHostFixture.DraftReportAsync(_partner);

        await WebhookHostFixture.ReportWhenAsync(_partner, reportId, r => r.GetProperty("status").GetString() == "Removed");
        await Eventually.True(() => Task.FromResult(!host.Deliveries.IsEmpty));
        await Task.Delay(500);
        var delivery = host.Deliveries.ShouldHaveSingleItem();
        JsonDocument.Parse(delivery.Body).RootElement.GetProperty("type").GetString().ShouldBe("platform_report.content_removed");
    }

    [Fact]
    public async Task Given_a_failing_receiver_When_deliveries_die_Then_retried_logged_and_the_subscription_disabled()
    {
        using var metrics = new DeliveryMetrics();
        host.SubscriberStatus = 503;
        var (id, _) = await SubscribeAsync(_partner, host.SubscriberUrl.ToString(), ["platform_report.filed"]);

        await WebhookHostFixture.DraftReportAsync(_partner);
        await WebhookHostFixture.DraftReportAsync(_partner);

        var subscription = await Eventually.Async(async () =>
        {
            var list = await _partner.GetFromJsonAsync<JsonElement>("/api/v1/webhook-subscriptions");
            var s = list.EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == id);
            return s.GetProperty("status").GetString() == "disabled" ? s : (JsonElement?)null;
        });
        subscription.GetProperty("consecutiveFailures").GetInt32().ShouldBe(2);
        var log = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/webhook-subscriptions/{id}/deliveries")).EnumerateArray().ToList();
        log.Count.ShouldBe(4);
        log.Count(e => e.GetProperty("outcome").GetString() == "failed").ShouldBe(2);
        log.Count(e => e.GetProperty("outcome").GetString() == "dead").ShouldBe(2);
        log.ShouldAllBe(e => e.GetProperty("statusCode").GetInt32() == 503);
        // Each delivery keeps its webhook-id across its tries, so a receiver can drop a repeat.
        host.Deliveries.GroupBy(d => d.Id).ShouldAllBe(g => g.Count() == 2);

        host.Deliveries.Clear();
        host.SubscriberStatus = 204;
        await WebhookHostFixture.DraftReportAsync(_partner);
        await Task.Delay(1500);
        host.Deliveries.ShouldBeEmpty();
        (await _partner.PostAsync($"/api/v1/webhook-subscriptions/{id}/enable", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WebhookHostFixture.DraftReportAsync(_partner);
        await Eventually.True(() => Task.FromResult(host.Deliveries.Count == 1));
        // Each try counted once, under the partner's configured name: three failed tries, the last one switched the
        // subscription off, and, once enabled again, one delivered.
        await Eventually.True(() => Task.FromResult(metrics.Count("out", "hooks", "delivered") == 1));
        metrics.Count("out", "hooks", "failed").ShouldBe(3);
        metrics.Count("out", "hooks", "disabled").ShouldBe(1);
        metrics.Measurements.Where(m => m.Direction == "out").ShouldAllBe(m => m.Reason == null && m.Labels.Count == 3);
    }

    [Fact]
    public async Task Given_subscription_api_When_used_Then_scoped_validated_owned_and_the_secret_shown_once()
    {
        var plain = host.Client(WebhookHostFixture.NoWebhooksKey);
        (await plain.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://hooks.example/x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.Client(null).GetAsync("/api/v1/webhook-subscriptions")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _partner.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "http://hooks.example/x" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _partner.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://user:pw@hooks.example/x" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _partner.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://hooks.example/x", eventTypes = new[] { "case.everything" } }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var (id, secret) = await SubscribeAsync(_partner, "https://hooks.example/x");

        secret.ShouldStartWith("whsec_");
        var listed = await _partner.GetStringAsync("/api/v1/webhook-subscriptions");
        listed.ShouldContain(id.ToString());
        listed.ShouldNotContain(secret["whsec_".Length..]);
        (await _other.GetStringAsync("/api/v1/webhook-subscriptions")).ShouldNotContain(id.ToString());
        (await _other.DeleteAsync($"/api/v1/webhook-subscriptions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _other.GetAsync($"/api/v1/webhook-subscriptions/{id}/deliveries")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.DeleteAsync($"/api/v1/webhook-subscriptions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _partner.DeleteAsync($"/api/v1/webhook-subscriptions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<(Guid Id, string Secret)> SubscribeAsync(HttpClient client, string url, string[]? eventTypes = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }
}
