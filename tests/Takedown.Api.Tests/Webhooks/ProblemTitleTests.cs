using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>
/// Every problem's title matches its status: each status the OpenAPI document and docs/webhooks.md promise is caused on
/// the host over real HTTP (Kestrel, which enforces the body limits), and its title is the status's own reason phrase
/// or, for a problem the endpoint names, a title of its own that is no other status's.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class ProblemTitleTests(WebhookHostFixture host)
{
    /// <summary>Titles the endpoints give their own problems, by status.</summary>
    private static readonly Dictionary<int, string[]> OwnTitles = new()
    {
        [400] = ["Some fields need attention", "Not a signed webhook", "Not a status update", "Bad webhook-id", "Empty"],
        [401] = ["Not signed in", "Bad signature", "Timestamp outside tolerance", "Not signed"],
        [403] = ["Not allowed"],
        [404] = ["Not found", "Unknown integration"],
        [409] = ["Not allowed now", "Changed by someone else", "Unknown ticket"],
        [413] = ["Body too large", "Too large"],
        [422] = ["Idempotency-Key used for another request"],
    };

    [Fact]
    public async Task Each_documented_status_has_a_title_that_matches_it()
    {
        var partner = host.Client();
        var api = host.ApiUrl;
        var caseId = Guid.Empty;
        var seen = new Dictionary<int, List<string>>();
        async Task Expect(string what, HttpRequestMessage request, int status, HttpClient? client = null)
        {
            using var response = await (client ?? partner).SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(status, $"{what}: {body}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", what);
            Check(what, status, JsonNode.Parse(body)!);
        }
        void Check(string what, int status, JsonNode problem)
        {
            problem["status"]!.GetValue<int>().ShouldBe(status, what);
            var title = problem["title"]!.GetValue<string>();
            (title == ReasonPhrases.GetReasonPhrase(status) || title == Infrastructure.ProblemTitles.For(status) || OwnTitles.GetValueOrDefault(status, []).Contains(title))
                .ShouldBeTrue($"{what}: {status} is titled \"{title}\"");
            seen.TryAdd(status, []);
            seen[status].Add(title);
        }
        HttpRequestMessage Json(HttpMethod method, string path, string json, string? key = null)
        {
            var request = new HttpRequestMessage(method, new Uri(api, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }
            return request;
        }
        const string CaseBody = """{"victimName":"Anna de Vries","victimEmail":"anna@slachtoffer.example","language":"nl"}""";

        var opened = await partner.SendAsync(Json(HttpMethod.Post, "api/v1/cases", CaseBody, "titles-1"));
        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        caseId = Guid.Parse(JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());

        await Expect("unreadable JSON", Json(HttpMethod.Post, "api/v1/cases", "{\"victimName\":"), 400);
        await Expect("a field of the wrong type", Json(HttpMethod.Post, "api/v1/cases", """{"victimName":42}"""), 400);
        await Expect("an invalid field", Json(HttpMethod.Post, "api/v1/cases", """{"victimName":""}"""), 400);
        await Expect("not an enum name", Json(HttpMethod.Post, "api/v1/cases", """{"victimName":"A","escalationMode":"automatic"}"""), 400);
        await Expect("no API key", new HttpRequestMessage(HttpMethod.Get, new Uri(api, $"api/v1/cases/{caseId}")), 401, new HttpClient());
        await Expect("a key without the scope", Json(HttpMethod.Post, "api/v1/webhook-subscriptions", """{"url":"https://hooks.example/"}"""), 403,
            host.Client(WebhookHostFixture.NoWebhooksKey));
        await Expect("an unknown case", new HttpRequestMessage(HttpMethod.Get, new Uri(api, $"api/v1/cases/{Guid.NewGuid()}")), 404);
        await Expect("an unknown route", new HttpRequestMessage(HttpMethod.Get, new Uri(api, "api/v1/nothing-here")), 404);
        await Expect("an AP complaint for an unknown request", new HttpRequestMessage(HttpMethod.Post, new Uri(api, $"api/v1/erasure-requests/{Guid.NewGuid()}/ap-complaint")), 404);
        await Expect("a method the route does not take", new HttpRequestMessage(HttpMethod.Put, new Uri(api, $"api/v1/cases/{caseId}")), 405);
        var drafted = await partner.SendAsync(Json(HttpMethod.Post, $"api/v1/cases/{caseId}/erasure-requests",
            """{"controllerName":"Voorbeeld Media B.V.","controllerEmail":"privacy@voorbeeldmedia.example","controllerCountry":"NL","personalData":["home address"],"urls":["https://voorbeeldmedia.example/t/1"]}"""));
        drafted.StatusCode.ShouldBe(HttpStatusCode.Created, await drafted.Content.ReadAsStringAsync());
        var requestId = JsonNode.Parse(await drafted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await Expect("an AP complaint for a request still in draft",
            new HttpRequestMessage(HttpMethod.Post, new Uri(api, $"api/v1/erasure-requests/{requestId}/ap-complaint")), 409);
        await Expect("an idempotency key reused for another body", Json(HttpMethod.Post, "api/v1/cases",
            """{"victimName":"Someone Else","victimEmail":"anna@slachtoffer.example","language":"nl"}""", "titles-1"), 422);
        await Expect("no Content-Type", new HttpRequestMessage(HttpMethod.Post, new Uri(api, "api/v1/cases")) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(CaseBody)) }, 415);
        await Expect("another Content-Type", new HttpRequestMessage(HttpMethod.Post, new Uri(api, "api/v1/cases")) { Content = new StringContent(CaseBody, Encoding.UTF8, "text/plain") }, 415);
        // Bodies over a limit over a raw socket: Kestrel may answer and close before the client has sent them all.
        var auth = $"Authorization: Bearer {WebhookHostFixture.PartnerKey}\r\n";
        var endless = "{\"victimName\":\"" + new string('a', 1100 * 1024);
        var chunks = string.Concat(endless.Chunk(64 * 1024).Select(c => $"{c.Length:x}\r\n{new string(c)}\r\n")) + "0\r\n\r\n";
        foreach (var (what, raw) in new[]
        {
            ("a body over 1 MiB with its length", $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {endless.Length}\r\n\r\n{endless}"),
            ("a chunked body over 1 MiB", $"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}"),
            ("a chunked webhook body over 1 MiB", $"POST /webhooks/sandbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}"),
            ("a webhook body over 64 KiB", $"POST /webhooks/sandbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {70 * 1024}\r\n\r\n{new string(' ', 70 * 1024)}"),
        })
        {
            var response = await Security.HostileInputTests.RawAsync(api, raw);
            response.Status.ShouldBe(413, $"{what}: {response.Head}");
            response.Head.ShouldContain("application/problem+json", Case.Insensitive, what);
            Check(what, 413, JsonNode.Parse(response.Body)!);
        }
        await Expect("an unknown webhook integration", Json(HttpMethod.Post, "webhooks/nobody", "{}"), 404);
        await Expect("an unsigned webhook", Json(HttpMethod.Post, "webhooks/sandbox", "{}"), 400);

        // Over the rate limit: a key of its own, so the other tests keep their tokens.
        var reader = host.Client(WebhookHostFixture.NoWebhooksKey);
        var flood = await Task.WhenAll(Enumerable.Range(0, 160).Select(_ => reader.GetAsync(new Uri(api, $"api/v1/cases/{Guid.NewGuid()}"))));
        var limited = flood.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests).ShouldNotBeNull("the flood goes over the limit");
        var limitedProblem = JsonNode.Parse(await limited.Content.ReadAsStringAsync())!;
        limitedProblem["title"]!.GetValue<string>().ShouldBe(Infrastructure.ProblemTitles.For(429));
        seen.TryAdd(429, [limitedProblem["title"]!.GetValue<string>()]);
        foreach (var response in flood)
        {
            response.Dispose();
        }

        // Every error status the document promises was walked.
        var document = JsonNode.Parse(await partner.GetStringAsync(new Uri(api, "openapi/v1.json")))!;
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["responses"]!.AsObject()))
            .SelectMany(r => r.Select(s => int.Parse(s.Key, System.Globalization.CultureInfo.InvariantCulture)))
            .Where(s => s >= 400)
            .ToHashSet();
        documented.ShouldNotBeEmpty();
        documented.Except(seen.Keys).ShouldBeEmpty();
        // No title is one status's and another's: "Bad request" for a 413 is what this guards against.
        seen.SelectMany(s => s.Value.Select(t => (Status: s.Key, Title: t))).GroupBy(s => s.Title)
            .Where(g => g.Select(s => s.Status).Distinct().Count() > 1).ShouldBeEmpty();
    }
}
