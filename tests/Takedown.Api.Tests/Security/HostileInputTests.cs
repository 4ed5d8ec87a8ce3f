using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Tests.Security;

/// <summary>
/// Malformed JSON, wrong types, huge strings, odd Unicode, URLs of other schemes and header tricks against every write
/// endpoint of the API (found from the routing table, with the served contract's examples as the bodies to break), the
/// status webhooks and the inbound mail: each gets a 4xx problem response, none a 500, and nothing is stored. The body
/// size limit is tried once on a real Kestrel socket, which the in-memory test server does not enforce.
/// </summary>
public sealed partial class HostileInputTests(HostileInputTests.Host host) : IClassFixture<HostileInputTests.Host>
{
    public const string WebhookSecretValue = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    private static readonly string Megabyte = new('x', 1024 * 1024);

    /// <summary>
    /// The test host: a platform's webhook integration, the documented example's platform in the registry, and no rate
    /// limit that would answer the fuzzing with 429s.
    /// </summary>
    public sealed class Host : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:Integration:Burst", "100000");
            builder.UseSetting("RateLimits:Integration:PerSecond", "100000");
            builder.UseSetting("Webhooks:Incoming:sandbox:Platform", "Sandbox");
            builder.UseSetting("Webhooks:Incoming:sandbox:Secrets:0", WebhookSecretValue);
            // The platform of the documented example, so the unbroken example passes validation. Nothing listens there.
            builder.UseSetting("Platforms:ExampleTube:BaseUrl", "http://127.0.0.1:9/");
            builder.UseSetting("Platforms:ExampleTube:ResponseTarget", "3.00:00:00");
            builder.UseSetting("Platforms:ExampleTube:Categories:0", "Doxing");
        }
    }

    /// <summary>Bodies that are not a JSON object of the endpoint's shape at all.</summary>
    public static readonly IReadOnlyDictionary<string, string> MalformedBodies = new Dictionary<string, string>
    {
        ["truncated"] = """{"a":"An""",
        ["missing value"] = """{"a":,"b":"c"}""",
        ["array"] = "[]",
        ["string"] = "\"case\"",
        ["number"] = "12345",
        ["null"] = "null",
        ["empty"] = "",
        ["empty object"] = "{}",
        ["trailing garbage"] = """{"a":"b"} {}""",
        ["deep nesting"] = new string('[', 5000) + new string(']', 5000),
        ["deep object nesting"] = string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000),
        ["single quotes"] = "{'a':'b'}",
        ["comment"] = "/* x */ {}",
        ["lone surrogate key"] = """{"\ud800":"x"}""",
    };

    /// <summary>What replaces one string of a valid body (as raw JSON): each must be refused wherever it appears.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostileStrings = new Dictionary<string, string>
    {
        ["lone high surrogate"] = "\"Anna \\ud800\"",
        ["lone low surrogate"] = "\"\\udc00Anna\"",
        ["NUL"] = "\"Anna\\u0000de Vries\"",
        ["RTL override"] = "\"Anna \\u202Eseirv ed\"",
        ["bidi isolate"] = "\"Anna \\u2066x\\u2069\"",
        ["zero-width space"] = "\"An\\u200Bna\"",
        ["word joiner"] = "\"An\\u2060na\"",
        ["escape char"] = "\"Anna \\u001b[31m\"",
        ["blank"] = "\"   \"",
        ["1 MB"] = "\"" + Megabyte + "\"",
        ["number"] = "12345",
        ["boolean"] = "true",
        ["object"] = "{\"a\":1}",
        ["array of numbers"] = "[1,2]",
    };

    [Fact]
    public async Task Every_api_write_endpoint_answers_malformed_bodies_wrong_types_and_odd_strings_with_a_problem_and_stores_nothing()
    {
        var ids = await CreateResourcesAsync();
        var partner = host.ClientFor(ApiFactory.PartnerKey);
        var endpoints = (await BodyEndpointsAsync()).ToList();
        endpoints.Select(e => e.OperationId).ShouldBe(
            ["OpenCase", "DraftErasureRequest", "ApproveErasureRequest", "DraftPlatformReport", "ApprovePlatformReport", "LodgeInternalComplaint",
                "CreateWebhookSubscription"], ignoreOrder: true);
        var failures = new List<string>();

        foreach (var endpoint in endpoints)
        {
            var url = "/" + Fill(endpoint.Pattern, ids);
            var example = endpoint.Example;
            var bodies = MalformedBodies.Select(b => (b.Key, b.Value))
                .Concat(Mutations(example).SelectMany(m => HostileStrings
                    .Where(h => !(m.IsBoolean && h.Key == "boolean"))
                    .Select(h => ($"{m.Path} = {h.Key}", m.Json.Replace(Placeholder, h.Value, StringComparison.Ordinal)))));
            foreach (var (name, body) in bodies)
            {
                var before = await StoredAsync();
                var response = await partner.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
                if (await ProblemAsync(response, 400, 413, 415) is { } problem)
                {
                    failures.Add($"{endpoint.OperationId} {name}: {problem}");
                }
                if (await StoredAsync() != before)
                {
                    failures.Add($"{endpoint.OperationId} {name}: something was stored");
                }
            }
        }
        // The unbroken examples pass validation, so every refusal above was the broken part's doing. (The examples' hashes
        // are not these letters' and the report was not refused: the domain refuses them after validation, with a 409.)
        foreach (var endpoint in endpoints)
        {
            var valid = await partner.PostAsync("/" + Fill(endpoint.Pattern, ids), new StringContent(endpoint.Example.ToJsonString(), Encoding.UTF8, "application/json"));
            var status = (int)valid.StatusCode;
            if (endpoint.OperationId is "ApproveErasureRequest" or "ApprovePlatformReport" or "LodgeInternalComplaint" ? status != 409 : status >= 300)
            {
                failures.Add($"{endpoint.OperationId} with its example: {status} {await valid.Content.ReadAsStringAsync()}");
            }
        }

        failures.ShouldBeEmpty();
    }

    public static TheoryData<string> Urls() =>
    [
        "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://files.example/a",
        "http://", "https://exa mple.example/", "//no-scheme.example/p", "mailto:a@b.example", "https://x.example/" + Megabyte,
        "https://x.example/\u202Eexe.txt", "https://x.example/\u0000", "https://x.example/\u200B", "gopher://x.example", "",
    ];

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task Only_http_and_https_urls_can_be_reported(string url)
    {
        var partner = host.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(partner);
        var before = await StoredAsync();

        var erasure = await partner.PostAsync($"/api/v1/cases/{caseId}/erasure-requests", Json(new
        {
            controllerName = "Voorbeeld B.V.", controllerEmail = "privacy@voorbeeld.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { url },
        }));
        var report = await partner.PostAsync($"/api/v1/cases/{caseId}/platform-reports", Json(new
        {
            platform = "Sandbox", urls = new[] { url }, category = "Doxing", explanation = "Mijn adres staat online.",
            notifierName = "Anna de Vries", notifierEmail = "anna@slachtoffer.example", goodFaithStatement = true,
        }));

        (await ProblemAsync(erasure, 400)).ShouldBeNull(url);
        (await ProblemAsync(report, 400)).ShouldBeNull(url);
        (await StoredAsync()).ShouldBe(before);
    }

    public static readonly string[] AuthTricks =
    [
        "no key", "read-only key", "two authorization headers", "basic scheme", "lower-case bearer with a wrong key", "key with trailing space",
        "10 KB key", "key in query string", "method override", "X-Api-Key and a wrong bearer",
    ];

    public static readonly string[] ContentTricks =
    [
        "text/plain content type", "form content type", "no content type", "two content types", "invalid utf-8", "utf-16 body", "charset latin1",
    ];

    [Fact]
    public async Task Every_api_write_endpoint_answers_header_tricks_with_a_problem_and_stores_nothing()
    {
        var ids = await CreateResourcesAsync();
        var bodies = (await BodyEndpointsAsync()).ToDictionary(e => e.Pattern, e => e.Example.ToJsonString());
        var writes = WriteEndpoints();
        writes.Count.ShouldBeGreaterThanOrEqualTo(9);
        var failures = new List<string>();

        foreach (var (method, pattern) in writes)
        {
            var url = "/" + Fill(pattern, ids);
            var body = bodies.GetValueOrDefault(pattern);
            foreach (var trick in body is null ? AuthTricks : [.. AuthTricks, .. ContentTricks])
            {
                var before = await StoredAsync();
                using var request = Trick(method, url, body, trick);
                var response = await host.CreateClient().SendAsync(request);
                var expected = ContentTricks.Contains(trick) ? new[] { 400, 415 } : trick == "read-only key" || trick == "method override" ? [403] : [401];
                if (await ProblemAsync(response, expected) is { } problem)
                {
                    failures.Add($"{method} {pattern} {trick}: {problem}");
                }
                if (await StoredAsync() != before)
                {
                    failures.Add($"{method} {pattern} {trick}: something was stored");
                }
            }
        }

        failures.ShouldBeEmpty();
        (await host.ClientFor(ApiFactory.PartnerKey).GetAsync($"/api/v1/cases/{ids.Case}")).StatusCode.ShouldBe(HttpStatusCode.OK, "the case was not erased");
    }

    [Fact]
    public async Task Status_webhooks_answer_broken_unsigned_and_badly_signed_posts_with_a_problem_and_store_nothing()
    {
        var client = host.CreateClient();
        var valid = JsonNode.Parse("""{"type":"notice.status_changed","timestamp":"2026-03-02T09:00:00Z","data":{"ticketId":"T-unknown","status":"CONTENT_REMOVED"}}""")!;
        var bodies = MalformedBodies.Select(b => (Name: b.Key, Body: b.Value, Expected: 400))
            .Concat(Mutations(valid).Where(m => m.Path.StartsWith("$.data", StringComparison.Ordinal))
                .SelectMany(m => HostileStrings.Where(h => h.Key != "1 MB")
                    .Select(h => ($"{m.Path} = {h.Key}", m.Json.Replace(Placeholder, h.Value, StringComparison.Ordinal), 400))))
            .Append(("a ticket no report carries", valid.ToJsonString(), 409))
            .Append(("100 KB body", "{\"type\":\"" + new string('x', 100 * 1024) + "\"}", 413))
            .ToList();
        var failures = new List<string>();

        foreach (var (name, body, expected) in bodies)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            foreach (var signed in new[] { true, false })
            {
                var before = await StoredAsync();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox") { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (signed)
                {
                    Sign(request, bytes);
                }
                var response = await client.SendAsync(request);
                if (await ProblemAsync(response, signed ? expected : expected == 413 ? 413 : 400) is { } problem)
                {
                    failures.Add($"{(signed ? "signed" : "unsigned")} {name}: {problem}");
                }
                if (await StoredAsync() != before)
                {
                    failures.Add($"{(signed ? "signed" : "unsigned")} {name}: something was stored");
                }
            }
        }
        var validBytes = Encoding.UTF8.GetBytes(valid.ToJsonString());
        foreach (var (trick, expected) in new (string, int)[]
        {
            ("timestamp not a number", 400), ("timestamp an hour old", 401), ("timestamp an hour ahead", 401), ("signed by a stranger", 401),
            ("signature of another body", 401), ("two wrong signatures", 401), ("500-character webhook-id", 400), ("unknown integration", 404),
            ("signature header 20 KB", 401),
        })
        {
            var before = await StoredAsync();
            using var request = WebhookTrick(trick, validBytes);
            var response = await client.SendAsync(request);
            if (await ProblemAsync(response, expected) is { } problem)
            {
                failures.Add($"{trick}: {problem}");
            }
            if (await StoredAsync() != before)
            {
                failures.Add($"{trick}: something was stored");
            }
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task Inbound_mail_answers_unsigned_and_badly_signed_posts_with_a_problem_and_signed_garbage_is_kept_without_an_error()
    {
        var client = host.CreateClient();
        var mail = Encoding.UTF8.GetBytes("From: a@controller.example\r\nTo: replies@takedown.example\r\nSubject: Re\r\n\r\nWij hebben verwijderd.");
        var failures = new List<string>();
        foreach (var (trick, expected) in new (string, int)[]
        {
            ("unsigned", 401), ("timestamp not a number", 401), ("timestamp an hour old", 401), ("signed by a stranger", 401),
            ("signature of another body", 401), ("two wrong signatures", 401), ("signature header 20 KB", 401), ("signed empty body", 400),
            ("more than 10 MB declared", 413),
        })
        {
            var before = await StoredAsync();
            using var request = InboundTrick(trick, mail);
            var response = await client.SendAsync(request);
            if (await ProblemAsync(response, expected) is { } problem)
            {
                failures.Add($"{trick}: {problem}");
            }
            if (await StoredAsync() != before)
            {
                failures.Add($"{trick}: something was stored");
            }
        }
        failures.ShouldBeEmpty();

        // A correctly signed message is evidence and kept whatever it holds, but no content makes the intake fail.
        byte[][] garbage =
        [
            [0, 1, 2, 0xFF, 0xFE, 0xC3, 0x28],
            Encoding.UTF8.GetBytes("Subject: =?utf-8?B?" + Convert.ToBase64String([0xED, 0xA0, 0x80]) + "?=\r\nTo: \u202Ex@y\r\n\r\n\0\0"),
            // Multipart parts nested 40,000 deep, one inside the other's preamble.
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n"))),
            Encoding.UTF8.GetBytes("Subject: =?utf-8?B?@@not base64@@?= =?x-unknown?Q?=FF=FE?=\r\n\r\nx"),
            Encoding.UTF8.GetBytes("To: replies+" + new string('a', 5000) + "@takedown.example\r\nSubject: " + new string('\u200B', 1000) + "\r\n\r\nx"),
            Encoding.UTF8.GetBytes(Megabyte),
        ];
        foreach (var raw in garbage)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/mail") { Content = new ByteArrayContent(raw) };
            Sign(request, raw, ApiFactory.InboundSecret);
            var response = await client.SendAsync(request);
            ((int)response.StatusCode).ShouldBeOneOf([202, 400], await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task On_a_real_socket_kestrel_refuses_bodies_over_the_limit_with_a_problem_and_stores_nothing()
    {
        using var kestrel = host.WithWebHostBuilder(_ => { });
        kestrel.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        kestrel.StartServer();
        var address = new Uri(kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var before = await StoredAsync();
        var auth = $"Authorization: Bearer {ApiFactory.PartnerKey}\r\n";

        var declared = await RawAsync(address, $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n{{\"victimName\":\"");
        var huge = await RawAsync(address, $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{{");
        // A JSON string that only ends after 2 MB, so the JSON reader cannot refuse the body before the limit does.
        var chunks = ("{\"victimName\":\"" + new string('x', 2 * 1024 * 1024)).Chunk(64 * 1024).Select(c => $"{c.Length:x}\r\n{new string(c)}\r\n");
        var chunked = await RawAsync(address, $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + string.Concat(chunks) + "0\r\n\r\n");
        var webhook = await RawAsync(address, $"POST /webhooks/sandbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {200 * 1024}\r\n\r\n{{");
        var inbound = await RawAsync(address, $"POST /inbound/mail HTTP/1.1\r\nHost: x\r\nContent-Length: {11 * 1024 * 1024}\r\n\r\nFrom:");
        var headers = await RawAsync(address, $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}X-Padding: {new string('p', 40 * 1024)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}");

        foreach (var (name, response) in new[] { ("declared 2 MB", declared), ("declared 100 GB", huge), ("chunked 2 MB", chunked), ("webhook 200 KB", webhook), ("mail 11 MB", inbound) })
        {
            response.Status.ShouldBe(413, $"{name}: {response.Head}");
            response.Head.ShouldContain("application/problem+json", Case.Insensitive, name);
            JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetInt32().ShouldBe(413, name);
        }
        // Headers over 32 KB are refused by Kestrel itself, before any of our code runs: a status without a body.
        headers.Status.ShouldBe(431);
        (await StoredAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Security_headers_are_on_every_response_and_the_csp_allows_no_inline_script()
    {
        var client = host.ClientFor(ApiFactory.PartnerKey);
        foreach (var path in new[] { "/health/live", "/api/v1/cases/" + Guid.NewGuid(), "/does-not-exist" })
        {
            var response = await client.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.ShouldContain("frame-ancestors 'none'");
            csp.ShouldContain("script-src 'self'");
            csp.ShouldNotContain("unsafe-inline");
            csp.ShouldNotContain("unsafe-eval");
            response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        }
        (await client.GetAsync("/api/v1/cases/" + Guid.NewGuid())).Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await client.GetAsync("/api/v1/cases/" + Guid.NewGuid())).Headers.Contains("Strict-Transport-Security").ShouldBeFalse("HSTS only outside Development and tests");
    }

    [Fact]
    public async Task Outside_development_https_responses_carry_hsts()
    {
        using var production = host.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://takedown.example") });

        var response = await client.GetAsync("/health/live");

        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldStartWith("max-age=");
    }

    private const string Marker = "HOSTILE-VALUE-7f3a";

    private const string Placeholder = "\"" + Marker + "\"";

    private sealed record BodyEndpoint(string OperationId, string Pattern, JsonNode Example);

    private sealed record Mutation(string Path, string Json, bool IsBoolean);

    private sealed record Resources(Guid Case, Guid ErasureRequest, Guid PlatformReport, Guid Subscription);

    /// <summary>
    /// The API's write endpoints that take a JSON body, with the request example the served OpenAPI document gives for
    /// each: the contract tests check that examples are complete, so each is a valid body to break one part of at a time.
    /// </summary>
    private async Task<IEnumerable<BodyEndpoint>> BodyEndpointsAsync()
    {
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var withBody = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes: var types } && types.Contains("application/json"))
            .Select(e => Constraint().Replace(e.RoutePattern.RawText!.Trim('/'), ""))
            .ToHashSet();
        return from path in document["paths"]!.AsObject()
               let post = path.Value!["post"]
               where post is not null && withBody.Contains(path.Key.Trim('/'))
               let example = post["requestBody"]!["content"]!["application/json"]!["example"]!
               select new BodyEndpoint(post["operationId"]!.GetValue<string>(), path.Key.Trim('/'), example);
    }

    /// <summary>The example with one value (every property, every array item, nested ones too) replaced by the placeholder.</summary>
    private static IEnumerable<Mutation> Mutations(JsonNode example)
    {
        var places = new List<(string Path, object[] Segments, bool IsBoolean)>();
        void Walk(JsonNode? node, string at, object[] segments)
        {
            if (segments.Length > 0)
            {
                places.Add((at, segments, node?.GetValueKind() is JsonValueKind.True or JsonValueKind.False));
            }
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        Walk(child, $"{at}.{name}", [.. segments, name]);
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], $"{at}[{i}]", [.. segments, i]);
                    }
                    break;
            }
        }
        Walk(example, "$", []);
        foreach (var (path, segments, isBoolean) in places)
        {
            var copy = example.DeepClone();
            var parent = segments[..^1].Aggregate(copy, (node, segment) => segment is int i ? node[i]! : node[(string)segment]!);
            if (segments[^1] is int index)
            {
                parent[index] = JsonValue.Create(Marker);
            }
            else
            {
                parent[(string)segments[^1]] = JsonValue.Create(Marker);
            }
            yield return new Mutation(path, copy.ToJsonString(), isBoolean);
        }
    }

    private List<(string Method, string Pattern)> WriteEndpoints() =>
        [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Where(m => m != "GET")
                .Select(m => (m, e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()];

    private static string Fill(string pattern, Resources ids) => RouteValue().Replace(pattern, m => m.Groups[1].Value switch
    {
        "caseId" => ids.Case.ToString(),
        _ when pattern.Contains("webhook-subscriptions/{id", StringComparison.Ordinal) => ids.Subscription.ToString(),
        _ when pattern.Contains("erasure-requests/{id", StringComparison.Ordinal) => ids.ErasureRequest.ToString(),
        _ when pattern.Contains("platform-reports/{id", StringComparison.Ordinal) => ids.PlatformReport.ToString(),
        _ => ids.Case.ToString(),
    });

    /// <summary>
    /// A case with an erasure request whose letter waits for approval, and a subscription to an event nothing here causes
    /// (so no delivery is queued behind the counts' backs).
    /// </summary>
    private async Task<Resources> CreateResourcesAsync()
    {
        var partner = host.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(partner);
        var erasure = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld B.V.", controllerEmail = "privacy@voorbeeld.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://voorbeeld.example/p/1" },
        });
        var requestId = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // Drafted and not approved: nothing is filed, so nothing moves behind the counts' backs.
        var report = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform = "Sandbox", urls = new[] { "https://exampletube.example/watch?v=abc123" }, category = "Doxing",
            explanation = "The video shows my home address.", notifierName = "Takedown", notifierEmail = "notices@takedown.example",
            goodFaithStatement = true,
        });
        report.StatusCode.ShouldBe(HttpStatusCode.Created, await report.Content.ReadAsStringAsync());
        var reportId = (await report.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var subscription = await partner.PostAsJsonAsync("/api/v1/webhook-subscriptions",
            new { url = "https://partner.example/hooks/takedown", eventTypes = new[] { "ap_complaint.lodged" } });
        subscription.StatusCode.ShouldBe(HttpStatusCode.Created);
        return new Resources(caseId, requestId, reportId, (await subscription.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    private static HttpRequestMessage Trick(string method, string url, string? body, string trick)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
        switch (trick)
        {
            case "no key":
                request.Headers.Authorization = null;
                break;
            case "read-only key":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.ReadOnlyKey);
                break;
            case "two authorization headers":
                request.Headers.Authorization = null;
                request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + ApiFactory.ReadOnlyKey, "Bearer " + ApiFactory.PartnerKey]);
                break;
            case "basic scheme":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("test:" + ApiFactory.PartnerKey)));
                break;
            case "lower-case bearer with a wrong key":
                request.Headers.Authorization = null;
                request.Headers.TryAddWithoutValidation("Authorization", "bearer  " + ApiFactory.PartnerKey + "x");
                break;
            case "key with trailing space":
                request.Headers.Authorization = null;
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ApiFactory.PartnerKey[..^1] + " ");
                break;
            case "10 KB key":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('k', 10_000));
                break;
            case "key in query string":
                request.Headers.Authorization = null;
                request.RequestUri = new Uri(url + "?api_key=" + ApiFactory.PartnerKey + "&access_token=" + ApiFactory.PartnerKey, UriKind.Relative);
                break;
            case "method override":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.ReadOnlyKey);
                request.Headers.TryAddWithoutValidation("X-HTTP-Method-Override", "GET");
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
                break;
            case "X-Api-Key and a wrong bearer":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key-0123456789");
                request.Headers.TryAddWithoutValidation("X-Api-Key", ApiFactory.PartnerKey);
                break;
            case "text/plain content type":
                request.Content = new StringContent(body!, Encoding.UTF8, "text/plain");
                break;
            case "form content type":
                request.Content = new FormUrlEncodedContent([new("victimName", "Anna"), new("victimEmail", "anna@slachtoffer.example")]);
                break;
            case "no content type":
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body!));
                break;
            case "two content types":
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body!));
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ["application/json", "text/plain"]);
                break;
            case "invalid utf-8":
                request.Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(body![..^2]), 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}']);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
                break;
            case "utf-16 body":
                request.Content = new ByteArrayContent(Encoding.Unicode.GetBytes(body!));
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
                break;
            case "charset latin1":
                request.Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body!.Replace("\"", "\"\u00E9", StringComparison.Ordinal)));
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=iso-8859-1");
                break;
        }
        return request;
    }

    private static HttpRequestMessage WebhookTrick(string trick, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, trick == "unknown integration" ? "/webhooks/not-a-platform" : "/webhooks/sandbox")
        {
            Content = new ByteArrayContent(body),
        };
        SignTrick(request, trick, body, WebhookSecretValue);
        return request;
    }

    private static HttpRequestMessage InboundTrick(string trick, byte[] mail)
    {
        var body = trick == "signed empty body" ? [] : mail;
        var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/mail") { Content = new ByteArrayContent(body) };
        if (trick == "more than 10 MB declared")
        {
            request.Content = new ByteArrayContent(new byte[(10 * 1024 * 1024) + 1]);
        }
        if (trick != "unsigned")
        {
            SignTrick(request, trick, body, ApiFactory.InboundSecret);
        }
        return request;
    }

    private static void SignTrick(HttpRequestMessage request, string trick, byte[] body, string secret)
    {
        var id = trick == "500-character webhook-id" ? "msg_" + new string('a', 496) : "msg_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var at = trick switch { "timestamp an hour old" => now.AddHours(-1), "timestamp an hour ahead" => now.AddHours(1), _ => now };
        var key = trick == "signed by a stranger" ? WebhookSecret.Generate() : WebhookSecret.Parse(secret);
        var signed = trick == "signature of another body" ? Encoding.UTF8.GetBytes("{}") : body;
        foreach (var (name, value) in WebhookSigner.Headers([key], id, at, signed))
        {
            var header = (trick, name) switch
            {
                ("timestamp not a number", WebhookHeaders.Timestamp) => "12ab",
                ("two wrong signatures", WebhookHeaders.Signature) => "v1,AAAA v1,BBBB",
                ("signature header 20 KB", WebhookHeaders.Signature) => string.Join(' ', Enumerable.Repeat("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 400)),
                _ => value,
            };
            request.Headers.TryAddWithoutValidation(name, header);
        }
    }

    private static void Sign(HttpRequestMessage request, byte[] body, string secret = WebhookSecretValue)
    {
        foreach (var (name, value) in WebhookSigner.Headers([WebhookSecret.Parse(secret)], "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>
    /// Why the response is not an RFC 7807 problem with one of the <paramref name="statuses"/>, or null when it is: the
    /// status, the problem+json content type, and a body whose status matches and that has a title.
    /// </summary>
    private static async Task<string?> ProblemAsync(HttpResponseMessage response, params int[] statuses)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var shown = body.Length > 300 ? body[..300] + "…" : body;
        if (!statuses.Contains(status))
        {
            return $"{status} (expected {string.Join(" or ", statuses)}) {shown}";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} as '{response.Content.Headers.ContentType?.MediaType}', not problem details: {shown}";
        }
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return problem.GetProperty("status").GetInt32() == status && !string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString())
                ? null
                : $"{status} problem without a matching status or a title: {shown}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{status} problem that is not a problem document: {shown}";
        }
    }

    private static StringContent Json(object value) =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    /// <summary>
    /// Everything a write could leave behind: events and streams, the outbox with what was handled and what failed, the
    /// webhook inbox, inbound mail and subscriptions.
    /// </summary>
    private async Task<string> StoredAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT concat_ws(' ',
                (SELECT count(*) FROM takedown_events.mt_events), (SELECT count(*) FROM takedown_events.mt_streams),
                (SELECT count(*) FROM takedown.messages) + (SELECT count(*) FROM takedown.processed_messages) + (SELECT count(*) FROM takedown.dead_letters),
                (SELECT count(*) FROM takedown.webhook_inbox), (SELECT count(*) FROM takedown.inbound_mail),
                (SELECT count(*) FROM takedown.webhook_subscriptions))
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    internal sealed record RawResponse(int Status, string Head, string Body);

    /// <summary>
    /// Writes a request byte for byte on a socket (a client library would refuse to send most of these) and reads the
    /// answer while still writing: Kestrel answers a body over the limit before the client has sent it all.
    /// </summary>
    internal static async Task<RawResponse> RawAsync(Uri address, string request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        var writing = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // Kestrel answered and closed before the whole body was written: the answer is what counts.
            }
        });
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }
            if (read == 0)
            {
                break;
            }
            received.Write(buffer, 0, read);
            var text = Encoding.Latin1.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var complete = end >= 0 && (ContentLength().Match(text[..end]) is { Success: true } length
                ? text.Length - end - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal));
            if (complete)
            {
                break;
            }
        }
        socket.Close();
        await writing;
        var all = Encoding.UTF8.GetString(received.ToArray());
        var split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? all : all[..split];
        var body = split < 0 ? "" : all[(split + 4)..];
        if (head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var joined = new StringBuilder();
            for (var at = 0; at < body.Length;)
            {
                var line = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = Convert.ToInt32(body[at..line], 16);
                if (size == 0)
                {
                    break;
                }
                joined.Append(body, line + 2, size);
                at = line + 2 + size + 2;
            }
            body = joined.ToString();
        }
        return new RawResponse(int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, body);
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteValue();

    [GeneratedRegex(@":[^}]*(?=\})")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)")]
    private static partial Regex ContentLength();
}
