using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Takedown.Api.Tests;

/// <summary>
/// A partner whose call timed out sends it again with the same <c>Idempotency-Key</c>: nothing new is created, and the
/// answer is the first call's. Against the host and the real PostgreSQL.
/// </summary>
public sealed class IdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);
    private readonly HttpClient _other = factory.ClientFor(ApiFactory.OtherPartnerKey);

    private static readonly object Case = new { victimName = "Iris Herhaal", victimEmail = "iris@slachtoffer.example", language = "nl" };

    private static object Erasure(string controller = "Herhaal Media B.V.") => new
    {
        controllerName = controller,
        controllerEmail = "privacy@herhaal.example",
        controllerCountry = "NL",
        personalData = new[] { "woonadres" },
        urls = new[] { "https://herhaal.example/p/1" },
    };

    private static readonly object Report = new
    {
        platform = "Sandbox",
        urls = new[] { "https://sandbox.example/v/1" },
        category = "Doxing",
        explanation = "De video toont mijn woonadres (Sr art. 285d).",
        notifierName = "Takedown namens het slachtoffer",
        notifierEmail = "notices@takedown.example",
        goodFaithStatement = true,
    };

    [Fact]
    public async Task Opening_a_case_twice_with_one_key_opens_one_case_and_answers_the_same()
    {
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(_partner, "/api/v1/cases", Case, key);
        var second = await PostAsync(_partner, "/api/v1/cases", Case, key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        b.GetProperty("id").GetGuid().ShouldBe(a.GetProperty("id").GetGuid());
        b.GetProperty("reference").GetString().ShouldBe(a.GetProperty("reference").GetString());
        second.Headers.Location.ShouldBe(first.Headers.Location);
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'case-opened'", a.GetProperty("id").GetGuid())).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_draft_create_one_request_and_one_letter()
    {
        // Some retries find the request before they draft, some lose the race on the stream's version, and some load
        // the stream just after the winner committed: each of those paths must answer with the one request and letter.
        for (var round = 0; round < 4; round++)
        {
            var caseId = await ApiFactory.OpenCaseAsync(_partner);
            var key = Guid.NewGuid().ToString();

            var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(_partner, $"/api/v1/cases/{caseId}/erasure-requests", Erasure(), key)));

            responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
            bodies.Select(b => b.GetProperty("id").GetGuid()).Distinct().ShouldHaveSingleItem();
            bodies.Select(b => b.GetProperty("letterId").GetGuid()).Distinct().ShouldHaveSingleItem();
            responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")).ShouldBe(1, "exactly one call created it");
            (await CountAsync("SELECT count(*) FROM takedown.request_overview WHERE case_id = $1", caseId)).ShouldBe(1);
            (await CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE request_id = $1", bodies[0].GetProperty("id").GetGuid())).ShouldBe(1);
        }
    }

    [Fact]
    public async Task One_key_on_two_cases_or_from_two_partners_creates_separate_requests()
    {
        var first = await ApiFactory.OpenCaseAsync(_partner);
        var second = await ApiFactory.OpenCaseAsync(_partner);
        var key = "same-key-" + Guid.NewGuid().ToString("N");

        var a = await PostAsync(_partner, $"/api/v1/cases/{first}/erasure-requests", Erasure(), key);
        var b = await PostAsync(_partner, $"/api/v1/cases/{second}/erasure-requests", Erasure(), key);
        var c = await PostAsync(_other, "/api/v1/cases", Case, key);
        var d = await PostAsync(_partner, "/api/v1/cases", Case, key);

        new[] { a, b, c, d }.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        (await Id(a)).ShouldNotBe(await Id(b));
        (await Id(c)).ShouldNotBe(await Id(d));
    }

    [Fact]
    public async Task A_key_reused_with_another_body_is_refused_with_422_and_creates_nothing()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner);
        var key = Guid.NewGuid().ToString();
        (await PostAsync(_partner, $"/api/v1/cases/{caseId}/erasure-requests", Erasure(), key)).StatusCode.ShouldBe(HttpStatusCode.Created);

        (await PostAsync(_partner, "/api/v1/cases", Case, key)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var other = await PostAsync(_partner, $"/api/v1/cases/{caseId}/erasure-requests", Erasure("Andere Uitgever B.V."), key);
        var otherCase = await PostAsync(_partner, "/api/v1/cases", new { victimName = "Iemand Anders", victimEmail = "anders@slachtoffer.example" }, key);

        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        other.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("different body");
        otherCase.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync("SELECT count(*) FROM takedown.request_overview WHERE case_id = $1", caseId)).ShouldBe(1);
    }

    [Fact]
    public async Task A_platform_report_retried_with_its_key_is_drafted_once()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner);
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(_partner, $"/api/v1/cases/{caseId}/platform-reports", Report, key);
        var again = await PostAsync(_partner, $"/api/v1/cases/{caseId}/platform-reports", Report, key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Id(again)).ShouldBe(await Id(first));
        (await CountAsync("SELECT count(*) FROM takedown.request_overview WHERE case_id = $1 AND kind = 'platform'", caseId)).ShouldBe(1);
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("tab\there")]
    public async Task A_malformed_key_is_a_400_problem_and_nothing_is_created(string key)
    {
        var before = await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE type = 'case-opened'");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(Case) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await _partner.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _).ShouldBeTrue();
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE type = 'case-opened'")).ShouldBe(before);
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_or_sent_twice_is_refused()
    {
        using var tooLong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(Case) };
        tooLong.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 256));
        using var twice = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(Case) };
        twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);

        (await _partner.SendAsync(tooLong)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _partner.SendAsync(twice)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_openapi_document_tells_integrators_about_the_key_the_replay_header_and_retry_after()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        foreach (var (path, operation) in new[] { ("/api/v1/cases", "OpenCase"), ("/api/v1/cases/{caseId}/erasure-requests", "DraftErasureRequest"), ("/api/v1/cases/{caseId}/platform-reports", "DraftPlatformReport") })
        {
            var post = document.GetProperty("paths").GetProperty(path).GetProperty("post");
            post.GetProperty("operationId").GetString().ShouldBe(operation);
            post.GetProperty("parameters").EnumerateArray()
                .ShouldContain(p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header", operation);
            post.GetProperty("responses").GetProperty("201").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _).ShouldBeTrue(operation);
            post.GetProperty("responses").GetProperty("422").ValueKind.ShouldBe(JsonValueKind.Object, operation);
            post.GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _).ShouldBeTrue(operation);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<Guid> Id(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
