using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Api.Operator;
using Takedown.Api.Tests.Portal;
using Takedown.Domain.Operators;

namespace Takedown.Api.Tests.Security;

/// <summary>
/// Every page and endpoint of the operator area and the victim portal, found from the host's endpoint data sources (a
/// new page is covered without editing this test), against everyone who must not get in: nobody signed in, a victim's
/// portal cookie, an integration's API key, an operator's cookie in the portal, a victim on a case that is not theirs,
/// and the operator role on every action only a supervisor may take.
/// </summary>
public sealed partial class AreaAuthorizationTests(AreaAuthorizationTests.Host host) : IClassFixture<AreaAuthorizationTests.Host>
{
    public const string OperatorId = "olga";
    public const string SupervisorId = "sam";
    public const string Password = "correct horse battery staple";
    private const string VictimEmail = "area-test@slachtoffer.example";

    /// <summary>
    /// Pages anyone may open: signing in, the language switch, advice, the quick exit, the neutral page shown after a
    /// case was deleted (the victim is signed out of it by then) and the error page (it shows only words for a status).
    /// </summary>
    private static readonly HashSet<string> Public =
    [
        "operator/sign-in", "operator/denied", "", "taal", "veilig-browsen", "inloggen/link", "inloggen/verstuurd", "uitloggen", "snel-weg",
        "verwijderd", "fout",
    ];

    /// <summary>Form posts that are no operator action: signing out and recomputing the statistics (any role may).</summary>
    private static readonly HashSet<string> NoAction = ["operator/sign-out POST", "operator/statistics POST Refresh"];

    /// <summary>Served to platforms, partners and probes, and tested with them: not part of the pages' areas.</summary>
    private static readonly string[] Elsewhere = ["api/", "openapi/", "health/", "webhooks/", "inbound/", "benchmarks/"];

    public sealed class Host : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            var hash = OperatorAccounts.HashPassword(Password);
            builder.UseSetting($"Operators:Accounts:{AreaAuthorizationTests.OperatorId}:PasswordHash", hash);
            builder.UseSetting($"Operators:Accounts:{AreaAuthorizationTests.OperatorId}:Role", "operator");
            builder.UseSetting($"Operators:Accounts:{AreaAuthorizationTests.SupervisorId}:PasswordHash", hash);
            builder.UseSetting($"Operators:Accounts:{AreaAuthorizationTests.SupervisorId}:Role", "supervisor");
            builder.UseSetting("RateLimits:OperatorSignIn:PerMinute", "1000");
            builder.UseSetting("RateLimits:PortalSignIn:PerMinute", "1000");
            builder.UseSetting("Portal:EmailKey", "area-test-email-key-0123456789abcdef");
            builder.UseSetting("Messaging:PollingInterval", "00:00:00.200");
        }
    }

    private sealed record Route(string Pattern, string Method, string? Handler, MethodInfo? HandlerMethod, OperatorActionAttribute? Action)
    {
        public bool IsOperatorApi => Pattern.StartsWith("operator/api/", StringComparison.Ordinal);

        public bool IsOperator => Pattern == "operator" || Pattern.StartsWith("operator/", StringComparison.Ordinal);

        public string Name => $"{Pattern} {Method}{(Handler is null ? "" : " " + Handler)}";
    }

    [Fact]
    public async Task Nobody_without_the_right_sign_in_gets_into_a_page_or_endpoint_of_the_operator_area_or_the_portal()
    {
        var ids = await CreateResourcesAsync();
        var routes = await RoutesAsync();
        routes.Count(r => r.IsOperator).ShouldBeGreaterThanOrEqualTo(15);
        routes.Count(r => !r.IsOperator).ShouldBeGreaterThanOrEqualTo(12);
        var victim = await VictimAsync();
        var operatorCookie = (await OperatorAsync(OperatorId)).Cookie;
        var anonymous = host.CreateDefaultClient();
        var integration = host.CreateDefaultClient();
        integration.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
        // The sign-ins work where they belong, so every refusal below is a refusal and not a broken sign-in.
        (await victim.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await integration.GetAsync($"/api/v1/cases/{ids["case"]}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var failures = new List<string>();

        foreach (var route in routes.Where(r => !Public.Contains(r.Pattern)))
        {
            var url = Fill(route, ids);
            var callers = new List<(string Who, HttpClient Client, string? Cookie)>
            {
                ("nobody", anonymous, null), ("an integration key", integration, null),
            };
            callers.Add(route.IsOperator ? ("a victim's cookie", victim, null) : ("an operator's cookie", anonymous, operatorCookie));
            foreach (var (who, client, cookie) in callers)
            {
                var response = await client.SendAsync(Request(route, url, cookie: cookie));
                if (await RefusalProblemAsync(route, response) is { } problem)
                {
                    failures.Add($"{route.Name} {url} by {who}: {problem}");
                }
            }
        }

        failures.ShouldBeEmpty();
        // Nothing above approved the partner's letter through the portal.
        (await integration.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{ids["erasure-request"]}")).GetProperty("status").GetString()
            .ShouldBe("Drafted");
    }

    [Fact]
    public async Task A_victim_signed_in_to_the_portal_finds_nothing_of_a_case_that_is_not_theirs_nor_in_the_api()
    {
        var ids = await CreateResourcesAsync();
        var victim = await VictimAsync();
        var token = PortalClient.Token(await victim.GetStringAsync("/mijn-zaken"));
        var failures = new List<string>();

        foreach (var route in (await RoutesAsync()).Where(r => !r.IsOperator && r.Pattern.Contains("{caseId", StringComparison.Ordinal)))
        {
            var url = Fill(route, ids);
            var response = await victim.SendAsync(Request(route, url, token));
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{route.Name} {url}: {(int)response.StatusCode}");
            }
        }
        foreach (var url in new[] { "/api/v1/cases/" + ids["case"], "/api/v1/erasure-requests/" + ids["erasure-request"] })
        {
            var response = await victim.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"GET {url} with a victim's cookie: {(int)response.StatusCode}");
            }
        }

        failures.ShouldBeEmpty();
        (await ApiClient().GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{ids["erasure-request"]}")).GetProperty("status").GetString()
            .ShouldBe("Drafted", "the partner's letter was not approved through a victim's session");
    }

    [Fact]
    public async Task Every_operator_form_post_and_api_action_declares_its_action_and_the_operator_role_is_refused_what_only_a_supervisor_may_do()
    {
        var ids = await CreateResourcesAsync();
        var routes = (await RoutesAsync()).Where(r => r.IsOperator && r.Method != "GET" && !Public.Contains(r.Pattern)).ToList();
        routes.Where(r => r.Action is null).Select(r => r.Name).ShouldBe(NoAction, ignoreOrder: true,
            "every operator form post and API write names its action with [OperatorAction] (or is listed as none)");
        routes.Where(r => r.Action is { } a && !OperatorActions.IsAllowed(OperatorRole.Operator, a.Action)).Select(r => r.Name)
            .ShouldBe(["operator/dead-letters POST Replay", "operator/dead-letters POST RetryUpdate", "operator/escalations/{id:guid} POST Lodge",
                "operator/api/dead-letters/{id:guid}/replay POST", "operator/cases/{id:guid} POST Decision"], ignoreOrder: true);
        var failures = new List<string>();

        foreach (var id in new[] { OperatorId, SupervisorId })
        {
            var (client, _, token) = await OperatorAsync(id);
            var role = id == SupervisorId ? OperatorRole.Supervisor : OperatorRole.Operator;
            foreach (var route in routes.Where(r => r.Action is not null || r.Name == "operator/statistics POST Refresh"))
            {
                var url = Fill(route, ids);
                var response = await client.SendAsync(Request(route, url, token));
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                var allowed = route.Action is null || OperatorActions.IsAllowed(role, route.Action.Action);
                if (allowed && status is 400 or 401 or 403)
                {
                    failures.Add($"{route.Name} {url} by the {role}: {status}, expected the action to run");
                }
                if (!allowed && (status != 403 || !(route.IsOperatorApi
                        ? response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                        : body.Contains("data-testid=\"denied\"", StringComparison.Ordinal))))
                {
                    failures.Add($"{route.Name} {url} by the {role}: {status}, expected 403");
                }
            }
            foreach (var route in (await RoutesAsync()).Where(r => r.IsOperator && r.Method == "GET" && !Public.Contains(r.Pattern)))
            {
                var url = Fill(route, ids);
                var status = (int)(await client.SendAsync(Request(route, url))).StatusCode;
                if (status is not (200 or 404) && !(route.Pattern == "operator/sign-out" && status == 302))
                {
                    failures.Add($"{route.Name} {url} by the {role}: {status}, every operator may see every page");
                }
            }
        }

        failures.ShouldBeEmpty();
    }

    /// <summary>Why the response is not the refusal expected, or null when it is.</summary>
    private static async Task<string?> RefusalProblemAsync(Route route, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (route.IsOperatorApi)
        {
            return status == 401 && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32() == 401
                ? null
                : $"{status} {response.Content.Headers.ContentType?.MediaType}, expected a 401 problem";
        }
        var location = response.Headers.Location?.ToString() ?? "";
        var signIn = route.IsOperator
            ? location.Contains("/operator/sign-in", StringComparison.Ordinal)
            : location == "/";
        return status == 302 && signIn ? null : $"{status} to '{location}', expected the sign-in page";
    }

    /// <summary>Every route of the pages' areas with each of its methods (and, for pages, each form handler).</summary>
    private async Task<List<Route>> RoutesAsync()
    {
        var loader = host.Services.GetRequiredService<PageLoader>();
        var routes = new List<Route>();
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText!.TrimStart('/');
            if (Elsewhere.Any(prefix => pattern.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                var handlers = compiled.HandlerMethods;
                if (!handlers.Any(h => h.HttpMethod == "Get"))
                {
                    routes.Add(new Route(pattern, "GET", null, null, null));
                }
                routes.AddRange(handlers.Select(h => new Route(
                    pattern, h.HttpMethod.ToUpperInvariant(), h.Name, h.MethodInfo, h.MethodInfo.GetCustomAttribute<OperatorActionAttribute>())));
                continue;
            }
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                routes.Add(new Route(pattern, method, null, null, endpoint.Metadata.GetMetadata<OperatorActionAttribute>()));
            }
        }
        return [.. routes.DistinctBy(r => r.Name)];
    }

    private static string Fill(Route route, Dictionary<string, Guid> ids) => "/" + RouteValue().Replace(route.Pattern, m => (m.Groups[1].Value switch
    {
        "caseId" => ids["case"],
        "requestId" => ids["erasure-request"],
        "id" when route.Pattern.StartsWith("operator/cases/", StringComparison.Ordinal) => ids["case"],
        "id" when route.Pattern.StartsWith("operator/escalations/", StringComparison.Ordinal) => ids["complaint"],
        _ => Guid.NewGuid(),
    }).ToString()) + (route.Handler is null ? "" : "?handler=" + route.Handler);

    private static HttpRequestMessage Request(Route route, string url, string? token = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.Method != "GET")
        {
            request.Content = new FormUrlEncodedContent(token is null ? [] : [new("__RequestVerificationToken", token)]);
        }
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return request;
    }

    /// <summary>A partner's case with an erasure request (its letter waiting for approval) and an AP complaint.</summary>
    private async Task<Dictionary<string, Guid>> CreateResourcesAsync()
    {
        var partner = ApiClient();
        var caseId = await ApiFactory.OpenCaseAsync(partner);
        var erasure = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld B.V.", controllerEmail = "privacy@voorbeeld.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://voorbeeld.example/p/1" },
        });
        var refused = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Weigeraar B.V.", controllerEmail = "privacy@weigeraar.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://weigeraar.example/p/1" },
        });
        var refusedId = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{refusedId}/letter");
        (await partner.PostAsJsonAsync($"/api/v1/erasure-requests/{refusedId}/approve", new { contentSha256 = letter.GetProperty("contentSha256").GetString() }))
            .EnsureSuccessStatusCode();
        await host.AnswerErasureRequestAsync(refusedId, Domain.ErasureRequests.ErasureOutcome.Refused);
        var complaint = await partner.PostAsync($"/api/v1/erasure-requests/{refusedId}/ap-complaint", null);
        complaint.StatusCode.ShouldBe(HttpStatusCode.Created);
        return new Dictionary<string, Guid>
        {
            ["case"] = caseId,
            ["erasure-request"] = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            ["complaint"] = (await complaint.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
        };
    }

    private HttpClient ApiClient() => host.ClientFor(ApiFactory.PartnerKey);

    /// <summary>An operator signed in through the form: the client, the cookie as a Cookie header, and a form token.</summary>
    private async Task<(HttpClient Client, string Cookie, string Token)> OperatorAsync(string operatorId)
    {
        var cookies = new CookieContainer();
        var client = host.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        var form = await client.GetStringAsync("/operator/sign-in");
        var signedIn = await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(
        [
            new("operatorId", operatorId), new("password", Password), new("__RequestVerificationToken", PortalClient.Token(form)),
        ]));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = cookies.GetCookies(new Uri("http://localhost/operator")).Single(c => c.Name == "takedown-operator");
        var token = PortalClient.Token(await client.GetStringAsync("/operator"));
        return (client, $"{cookie.Name}={cookie.Value}", token);
    }

    /// <summary>A victim signed in through the portal with the link from the real sign-in mail.</summary>
    private async Task<HttpClient> VictimAsync()
    {
        var client = host.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(new CookieContainer()));
        var mailsBefore = host.Smtp.ReceivedFor(VictimEmail).Count;
        var start = await client.GetStringAsync("/");
        (await client.PostAsync("/", new FormUrlEncodedContent([new("Email", VictimEmail), new("__RequestVerificationToken", PortalClient.Token(start))])))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var until = DateTime.UtcNow.AddSeconds(30);
        while (host.Smtp.ReceivedFor(VictimEmail).Count == mailsBefore)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("No sign-in mail arrived.");
            }
            await Task.Delay(100);
        }
        var mail = PortalFactory.DecodeQuotedPrintable(System.Text.Encoding.UTF8.GetString(host.Smtp.ReceivedFor(VictimEmail)[^1].Raw));
        var link = SignInLink().Match(mail).Groups[1].Value;
        var page = await client.GetStringAsync("/inloggen/link?token=" + link);
        var used = await client.PostAsync("/inloggen/link", new FormUrlEncodedContent([new("token", link), new("__RequestVerificationToken", PortalClient.Token(page))]));
        used.Headers.Location!.ToString().ShouldBe("/mijn-zaken");
        return client;
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteValue();

    [GeneratedRegex(@"/inloggen/link\?token=([A-Za-z0-9_\-]+)")]
    private static partial Regex SignInLink();
}
