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
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await client.GetAsync($"/api/v1/cases/{Guid.NewGuid()}")).StatusCode);
        }

        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBeGreaterThanOrEqualTo(10);
        statuses.Take(5).ShouldAllBe(s => s == HttpStatusCode.NotFound);
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
        return new Dictionary<string, Guid>
        {
            ["case"] = caseId,
            ["erasure-request"] = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            ["platform-report"] = (await report.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
        };
    }

    private List<(string Method, string Pattern)> ApiEndpoints() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()];

    /// <summary>Puts this partner's ids into a route: {caseId} and /cases/{id} take the case, the others their own kind.</summary>
    private static string Fill(string pattern, Dictionary<string, Guid> ids)
    {
        var kind = pattern.Contains("erasure-requests/{id", StringComparison.Ordinal) ? "erasure-request"
            : pattern.Contains("platform-reports/{id", StringComparison.Ordinal) ? "platform-report"
            : "case";
        return System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\}",
            m => (m.Groups[1].Value == "caseId" ? ids["case"] : ids[kind]).ToString());
    }

    private static HttpRequestMessage Request(string method, string url) => new(new HttpMethod(method), url)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? JsonContent.Create(new { }) : null,
    };
}
