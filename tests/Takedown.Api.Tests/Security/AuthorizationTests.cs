using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Takedown.Api.Tests.Security;

/// <summary>
/// Every integration API endpoint, found from the host's own routing table (a new endpoint is covered without
/// editing this test): no key, a key without the scope, and another partner's key on this partner's case.
/// </summary>
public sealed class AuthorizationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Every_api_endpoint_refuses_a_caller_without_a_key_and_another_partner_sees_nothing_of_this_partners_case()
    {
        var ids = await CreateResourcesAsync();
        var endpoints = ApiEndpoints();
        endpoints.Count.ShouldBeGreaterThanOrEqualTo(12);
        var anonymous = factory.CreateClient();
        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);
        var failures = new List<string>();

        foreach (var (method, pattern) in endpoints)
        {
            var url = "/" + Fill(pattern, ids);
            var unauthenticated = await anonymous.SendAsync(Request(method, url));
            if (unauthenticated.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {url} without a key: {(int)unauthenticated.StatusCode}");
            }
            var wrongKey = await factory.ClientFor("not-a-key-0123456789").SendAsync(Request(method, url));
            if (wrongKey.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {url} with an unknown key: {(int)wrongKey.StatusCode}");
            }
            if (pattern.Contains('{', StringComparison.Ordinal))
            {
                var foreign = await other.SendAsync(Request(method, url));
                var body = await foreign.Content.ReadAsStringAsync();
                if (foreign.StatusCode != HttpStatusCode.NotFound || body.Contains("Anna de Vries", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {url} by another partner: {(int)foreign.StatusCode}");
                }
            }
        }

        failures.ShouldBeEmpty();
        (await _partner.GetAsync($"/api/v1/cases/{ids["case"]}")).StatusCode.ShouldBe(HttpStatusCode.OK, "the owner's case is untouched");
        var subscriptions = await _partner.GetFromJsonAsync<JsonElement>("/api/v1/webhook-subscriptions");
        subscriptions.EnumerateArray().ShouldContain(s => s.GetProperty("id").GetGuid() == ids["subscription"] && s.GetProperty("status").GetString() == "disabled",
            "the owner's subscription is neither deleted nor enabled by the other partner");
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/ap-complaints/{ids["complaint"]}")).GetProperty("status").GetString().ShouldBe("Prepared");
    }

    [Fact]
    public async Task Every_api_endpoint_given_the_id_of_another_kind_of_resource_answers_404_and_changes_nothing()
    {
        var ids = await CreateResourcesAsync();
        var failures = new List<string>();

        foreach (var (method, pattern) in ApiEndpoints().Where(e => e.Pattern.Contains('{', StringComparison.Ordinal)))
        {
            var kind = KindOf(pattern);
            foreach (var other in ids.Keys.Where(k => k != kind))
            {
                var url = "/" + System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\}", _ => ids[other].ToString());
                var response = await _partner.SendAsync(Request(method, url));
                if (response.StatusCode != HttpStatusCode.NotFound
                    || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {url} with a {other} id: {(int)response.StatusCode}");
                }
            }
        }

        failures.ShouldBeEmpty();
        (await _partner.GetAsync($"/api/v1/cases/{ids["case"]}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_read_only_key_can_read_but_every_write_endpoint_refuses_it()
    {
        var ids = await CreateResourcesAsync();
        var reader = factory.ClientFor(ApiFactory.ReadOnlyKey);
        var failures = new List<string>();

        foreach (var (method, pattern) in ApiEndpoints().Where(e => e.Method != "GET"))
        {
            var url = "/" + Fill(pattern, ids);
            var response = await reader.SendAsync(Request(method, url));
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{method} {url} read-only: {(int)response.StatusCode}");
            }
        }

        failures.ShouldBeEmpty();
        // The read scope reads only what its own partner opened: this case belongs to another partner.
        (await reader.GetAsync($"/api/v1/cases/{ids["case"]}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_api_is_rate_limited_per_key_with_a_problem_response()
    {
        using var limited = factory.WithWebHostBuilder(b => b
            .UseSetting("RateLimits:Integration:Burst", "5")
            .UseSetting("RateLimits:Integration:PerSecond", "1"));
        var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.ReadOnlyKey);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetAsync($"/api/v1/cases/{Guid.NewGuid()}");
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBeGreaterThanOrEqualTo(10);
        statuses.Take(5).ShouldAllBe(s => s == HttpStatusCode.NotFound);
        refused!.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 2, "one token comes back every second");
    }

    private async Task<Dictionary<string, Guid>> CreateResourcesAsync()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner);
        var erasure = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld B.V.", controllerEmail = "privacy@voorbeeld.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://voorbeeld.example/p/1" },
        });
        erasure.StatusCode.ShouldBe(HttpStatusCode.Created);
        var report = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform = "Sandbox", urls = new[] { "https://voorbeeld.example/p/2" }, category = "Doxing",
            explanation = "Mijn adres staat online.", notifierName = "Anna de Vries", notifierEmail = "anna@slachtoffer.example",
            goodFaithStatement = true,
        });
        report.StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Weigeraar B.V.", controllerEmail = "privacy@weigeraar.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://weigeraar.example/p/1" },
        });
        var refusedId = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{refusedId}/letter");
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{refusedId}/approve", new { contentSha256 = letter.GetProperty("contentSha256").GetString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await factory.AnswerErasureRequestAsync(refusedId, Domain.ErasureRequests.ErasureOutcome.Refused);
        var complaint = await _partner.PostAsync($"/api/v1/erasure-requests/{refusedId}/ap-complaint", null);
        complaint.StatusCode.ShouldBe(HttpStatusCode.Created);
        // A real subscription of this partner, disabled so that another partner's "enable" would show.
        var subscription = await _partner.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://partner.example/hooks/takedown" });
        subscription.StatusCode.ShouldBe(HttpStatusCode.Created);
        var subscriptionId = (await subscription.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await DisableAsync(subscriptionId);
        return new Dictionary<string, Guid>
        {
            ["case"] = caseId,
            ["erasure-request"] = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            ["platform-report"] = (await report.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            ["complaint"] = (await complaint.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            ["subscription"] = subscriptionId,
        };
    }

    private async Task DisableAsync(Guid subscriptionId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "UPDATE takedown.webhook_subscriptions SET disabled_at = now() WHERE id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = subscriptionId });
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    private List<(string Method, string Pattern)> ApiEndpoints() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()];

    /// <summary>Puts this partner's ids into a route: {caseId} and /cases/{id} take the case, the others their own kind.</summary>
    private static string Fill(string pattern, Dictionary<string, Guid> ids) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\}",
            m => (m.Groups[1].Value == "caseId" ? ids["case"] : ids[KindOf(pattern)]).ToString());

    /// <summary>The kind of resource a route's id names.</summary>
    private static string KindOf(string pattern) =>
        pattern.Contains("erasure-requests/{id", StringComparison.Ordinal) ? "erasure-request"
        : pattern.Contains("platform-reports/{id", StringComparison.Ordinal) ? "platform-report"
        : pattern.Contains("ap-complaints/{id", StringComparison.Ordinal) ? "complaint"
        : pattern.Contains("webhook-subscriptions/{id", StringComparison.Ordinal) ? "subscription"
        : "case";

    private static HttpRequestMessage Request(string method, string url) => new(new HttpMethod(method), url)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? JsonContent.Create(new { }) : null,
    };
}
