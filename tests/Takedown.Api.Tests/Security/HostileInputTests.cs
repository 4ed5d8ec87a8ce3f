using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Takedown.Api.Tests.Security;

/// <summary>
/// Malformed JSON, odd and huge Unicode, URLs of other schemes and header tricks against the API: each gets a 4xx
/// problem response, none a 500, and nothing is stored.
/// </summary>
public sealed class HostileInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string Megabyte = new('x', 1024 * 1024);

    public static TheoryData<string, string> Bodies() => new()
    {
        { "truncated", """{"victimName":"Anna""" },
        { "missing value", """{"victimName":,"victimEmail":"a@b.example"}""" },
        { "array", "[]" },
        { "string", "\"case\"" },
        { "null", "null" },
        { "empty", "" },
        { "wrong type", """{"victimName":12,"victimEmail":true}""" },
        { "trailing garbage", """{"victimName":"Anna","victimEmail":"a@b.example"} {}""" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000) },
        { "unknown enum", """{"victimName":"Anna","victimEmail":"a@b.example","escalationMode":"Nuke"}""" },
        { "lone high surrogate", """{"victimName":"Anna \ud800","victimEmail":"a@b.example"}""" },
        { "lone low surrogate", """{"victimName":"\udc00Anna","victimEmail":"a@b.example"}""" },
        { "NUL", """{"victimName":"Anna\u0000de Vries","victimEmail":"a@b.example"}""" },
        { "RTL override", """{"victimName":"Anna \u202Eseirv ed","victimEmail":"a@b.example"}""" },
        { "bidi isolate", """{"victimName":"Anna \u2066x\u2069","victimEmail":"a@b.example"}""" },
        { "escape char", """{"victimName":"Anna \u001b[31m","victimEmail":"a@b.example"}""" },
        { "1 MB name", $$"""{"victimName":"{{Megabyte}}","victimEmail":"a@b.example"}""" },
        { "1 MB e-mail", $$"""{"victimName":"Anna","victimEmail":"{{Megabyte}}@b.example"}""" },
        { "e-mail with display name", """{"victimName":"Anna","victimEmail":"Anna <a@b.example>"}""" },
        { "e-mail with line break", """{"victimName":"Anna","victimEmail":"a@b.example\r\nBcc: x@y.example"}""" },
        { "blank name", """{"victimName":"   ","victimEmail":"a@b.example"}""" },
        { "unknown language", """{"victimName":"Anna","victimEmail":"a@b.example","language":"xx"}""" },
    };

    public static TheoryData<string> Urls() =>
    [
        "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://files.example/a",
        "http://", "https://exa mple.example/", "//no-scheme.example/p", "mailto:a@b.example", "https://x.example/" + Megabyte,
        "https://x.example/\u202Eexe.txt", "https://x.example/\u0000", "gopher://x.example", "",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_or_hostile_case_bodies_get_a_problem_response_and_store_nothing(string name, string body)
    {
        var before = await CountAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await factory.ClientFor(ApiFactory.PartnerKey).PostAsync("/api/v1/cases", content);

        await ShouldBeProblemAsync(response, name);
        (await CountAsync()).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task Only_http_and_https_urls_can_be_reported(string url)
    {
        var partner = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(partner);
        var before = await CountAsync();

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

        await ShouldBeProblemAsync(erasure, url);
        await ShouldBeProblemAsync(report, url);
        erasure.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        report.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountAsync()).ShouldBe(before);
    }

    public static TheoryData<string> HeaderTricks() =>
    [
        "text/plain content type", "form content type", "no content type", "invalid utf-8", "two authorization headers",
        "basic scheme", "lower-case bearer", "key with trailing space", "10 KB key", "key in query string", "method override",
    ];

    [Theory]
    [MemberData(nameof(HeaderTricks))]
    public async Task Header_tricks_get_a_problem_response_and_store_nothing(string trick)
    {
        var before = await CountAsync();
        var client = factory.CreateClient();
        var valid = """{"victimName":"Anna de Vries","victimEmail":"anna@slachtoffer.example"}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = new StringContent(valid, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.ReadOnlyKey);
        switch (trick)
        {
            case "text/plain content type":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
                request.Content = new StringContent(valid, Encoding.UTF8, "text/plain");
                break;
            case "form content type":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
                request.Content = new FormUrlEncodedContent([new("victimName", "Anna"), new("victimEmail", "anna@slachtoffer.example")]);
                break;
            case "no content type":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(valid));
                break;
            case "invalid utf-8":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.PartnerKey);
                request.Content = new ByteArrayContent([.. "{\"victimName\":\"Anna "u8, 0xC3, 0x28, 0xFF, .. "\",\"victimEmail\":\"a@b.example\"}"u8]);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
                break;
            case "two authorization headers":
                request.Headers.Authorization = null;
                request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + ApiFactory.ReadOnlyKey, "Bearer " + ApiFactory.PartnerKey]);
                break;
            case "basic scheme":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("test:" + ApiFactory.PartnerKey)));
                break;
            case "lower-case bearer":
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
                request.RequestUri = new Uri("/api/v1/cases?api_key=" + ApiFactory.PartnerKey + "&access_token=" + ApiFactory.PartnerKey, UriKind.Relative);
                break;
            case "method override":
                request.Headers.TryAddWithoutValidation("X-HTTP-Method-Override", "GET");
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
                break;
        }

        var response = await client.SendAsync(request);

        await ShouldBeProblemAsync(response, trick);
        (await CountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Security_headers_are_on_every_response_and_the_csp_allows_no_inline_script()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
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
        using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://takedown.example") });

        var response = await client.GetAsync("/health/live");

        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldStartWith("max-age=");
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        status.ShouldBeInRange(400, 499, $"{what}: {status} {await response.Content.ReadAsStringAsync()}");
        if (response.Content.Headers.ContentLength is > 0 || (await response.Content.ReadAsByteArrayAsync()).Length > 0)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", what);
        }
    }

    private static StringContent Json(object value) =>
        new(System.Text.Json.JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM takedown.events) + (SELECT count(*) FROM takedown.streams)", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
