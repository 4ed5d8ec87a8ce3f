using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Takedown.Api.Tests;

public sealed class RequestsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Approved_erasure_request_is_sent_over_smtp_recorded_as_evidence_and_its_clock_starts()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "sent-notice@slachtoffer.example");
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld Mensenzoeker B.V.",
            controllerEmail = "privacy@mensenzoeker.example",
            controllerCountry = "NL",
            personalData = new[] { "woonadres", "telefoonnummer" },
            urls = new[] { "https://mensenzoeker.example/p/123" },
        });
        drafted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter");
        letter.GetProperty("status").GetString().ShouldBe("Prepared");
        letter.GetProperty("plainText").GetString()!.ShouldContain("https://mensenzoeker.example/p/123");
        var sha = letter.GetProperty("contentSha256").GetString()!;
        var pdf = await _partner.GetAsync($"/api/v1/erasure-requests/{id}/letter.pdf");
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await pdf.Content.ReadAsByteArrayAsync())[..4].ShouldBe("%PDF"u8.ToArray());
        factory.Smtp.ReceivedFor("privacy@mensenzoeker.example").ShouldBeEmpty();

        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var request = await Eventually(async () =>
        {
            var r = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}");
            return r.GetProperty("status").GetString() == "Sent" ? r : (JsonElement?)null;
        });
        var deadline = request.GetProperty("answerDeadline");
        deadline.GetProperty("kind").GetString().ShouldBe("gdpr-answer");
        deadline.GetProperty("explanationNl").GetString()!.ShouldNotBeNullOrWhiteSpace();
        request.GetProperty("receivedOn").GetString().ShouldNotBeNull();
        request.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldBe(["erasure-request-drafted", "erasure-request-approved", "erasure-request-sent"]);

        var received = factory.Smtp.ReceivedFor("privacy@mensenzoeker.example").ShouldHaveSingleItem();
        var raw = System.Text.Encoding.UTF8.GetString(received.Raw);
        var sent = await LetterSentEvent(letter.GetProperty("letterId").GetGuid());
        sent.GetProperty("contentSha256").GetString().ShouldBe(sha);
        raw.ShouldContain("Message-ID: " + sent.GetProperty("messageId").GetString());
        raw.ShouldContain("application/pdf");
        var onCase = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}");
        onCase.GetProperty("requests")[0].GetProperty("deadline").GetProperty("dueDate").GetString()
            .ShouldBe(deadline.GetProperty("dueDate").GetString());
        await Eventually(() => Task.FromResult(factory.Smtp.ReceivedFor("sent-notice@slachtoffer.example").Count == 1 ? (JsonElement?)default(JsonElement) : null));
    }

    [Fact]
    public async Task Approving_a_text_other_than_the_one_shown_is_refused_and_nothing_is_sent()
    {
        var caseId = await OpenCase();
        var id = await DraftErasure(caseId);

        var response = await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = new string('0', 64) });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("not the one shown");
        var request = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}");
        request.GetProperty("status").GetString().ShouldBe("Drafted");
    }

    private async Task<JsonElement> LetterSentEvent(Guid letterId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data::text FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'letter-sent'", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = letterId });
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }

    private static async Task<JsonElement> Eventually(Func<Task<JsonElement?>> probe)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The expected state was not reached within 30 s.");
    }

    [Fact]
    public async Task Approving_twice_is_harmless_and_drafting_on_someone_elses_case_is_not_found()
    {
        var caseId = await OpenCase();
        var id = await DraftErasure(caseId);
        var sha = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter")).GetProperty("contentSha256").GetString();
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);
        var foreignDraft = await other.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", ValidErasure());
        var foreignApprove = await other.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = sha });
        var foreignRead = await other.GetAsync($"/api/v1/erasure-requests/{id}");

        foreignDraft.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreignApprove.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreignRead.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Erasure_request_with_bad_fields_is_refused_field_by_field()
    {
        var caseId = await OpenCase();

        var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "",
            controllerEmail = "not-an-address",
            controllerCountry = "XX",
            personalData = Array.Empty<string>(),
            urls = new[] { "javascript:alert(1)", "ftp://files.example/x" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Order()
            .ShouldBe(["controllerCountry", "controllerEmail", "controllerName", "personalData", "urls"]);
    }

    [Fact]
    public async Task Platform_report_needs_all_four_dsa_elements()
    {
        var caseId = await OpenCase();

        var incomplete = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform = "Sandbox",
            urls = new[] { "https://social.example/post/1" },
            category = "Doxing",
            explanation = "",
            notifierName = "Takedown namens slachtoffer",
            notifierEmail = "meldingen@takedown.example",
            goodFaithStatement = false,
        });
        var complete = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform = "Sandbox",
            urls = new[] { "https://social.example/post/1" },
            category = "Doxing",
            explanation = "The post publishes the victim's home address to intimidate her (Sr art. 285d).",
            notifierName = "Takedown namens slachtoffer",
            notifierEmail = "meldingen@takedown.example",
            goodFaithStatement = true,
        });

        incomplete.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await incomplete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Order().ShouldBe(["explanation", "goodFaithStatement"]);
        complete.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await complete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var report = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{id}");
        report.GetProperty("status").GetString().ShouldBe("Drafted");
        report.GetProperty("category").GetString().ShouldBe("Doxing");
    }

    [Fact]
    public async Task Platform_report_to_a_platform_outside_the_registry_is_a_400_problem_naming_the_field_and_drafts_nothing()
    {
        var caseId = await OpenCase();
        object Report(string platform) => new
        {
            platform,
            urls = new[] { "https://social.example/post/2" },
            category = "Doxing",
            explanation = "The post publishes the victim's home address to intimidate her (Sr art. 285d).",
            notifierName = "Takedown namens slachtoffer",
            notifierEmail = "meldingen@takedown.example",
            goodFaithStatement = true,
        };

        var unknown = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", Report("Facebook"));
        var lowerCase = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", Report("sandbox"));

        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        var errors = problem.GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).ShouldBe(["platform"]);
        errors.GetProperty("platform")[0].GetString().ShouldBe("Unknown platform: use one of Sandbox.");
        var requests = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}")).GetProperty("requests");
        requests.GetArrayLength().ShouldBe(1, "only the report to the registry's platform was drafted");
        // A name in the registry is matched whatever its case, and the report carries the registry's spelling.
        lowerCase.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await lowerCase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{id}")).GetProperty("platform").GetString().ShouldBe("Sandbox");
    }

    [Fact]
    public async Task Letters_to_a_controller_are_written_in_its_language_while_the_victims_notices_stay_in_the_victims()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, language: "nl", victimEmail: "taal@slachtoffer.example");

        var english = await DraftIn(caseId, "NL", "privacy@engels.example", "en");
        var irish = await DraftIn(caseId, "IE", "privacy@iers.example", null);
        var dutch = await DraftIn(caseId, "NL", "privacy@nederlands.example", null);
        var refused = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Duits GmbH", controllerEmail = "privacy@duits.example", controllerCountry = "NL", controllerLanguage = "de",
            personalData = new[] { "adres" }, urls = new[] { "https://duits.example/p/1" },
        });

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["controllerLanguage"]);
        foreach (var (id, language, subject) in new[]
        {
            (english, "en", "Request for erasure of personal data (Art. 17 GDPR)"),
            (irish, "en", "Request for erasure of personal data (Art. 17 GDPR)"),
            (dutch, "nl", "Verzoek om gegevenswissing (art. 17 AVG)"),
        })
        {
            (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}")).GetProperty("controllerLanguage").GetString().ShouldBe(language);
            var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter");
            letter.GetProperty("language").GetString().ShouldBe(language);
            letter.GetProperty("subject").GetString()!.ShouldStartWith(subject);
        }

        var sha = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{english}/letter")).GetProperty("contentSha256").GetString();
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{english}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually(() => Task.FromResult(factory.Smtp.ReceivedFor("taal@slachtoffer.example").Count == 1 ? (JsonElement?)default(JsonElement) : null));
        var notice = Portal.PortalFactory.DecodeQuotedPrintable(System.Text.Encoding.UTF8.GetString(factory.Smtp.ReceivedFor("taal@slachtoffer.example")[0].Raw));
        notice.ShouldContain("hebben wij namens u het verzoek om gegevenswissing");
        notice.ShouldContain("Content-Language: nl");
        var toController = System.Text.Encoding.UTF8.GetString(factory.Smtp.ReceivedFor("privacy@engels.example").ShouldHaveSingleItem().Raw);
        toController.ShouldContain("Content-Language: en");
    }

    // GDPR Art. 17(1)(c) with 21(1) to a search engine (CJEU C-131/12 Google Spain; C-136/17 GC and Others): the request is
    // recorded as a delisting request, its answer is due in the same Art. 12(3) month, and its letter asks for delisting on the name.
    [Fact]
    public async Task A_delisting_request_to_a_search_engine_gets_the_delisting_letter_and_the_same_Art_12_3_deadline()
    {
        var caseId = await OpenCase();
        var body = new
        {
            controllerName = "Zoekmachine Ltd", controllerEmail = "privacy@zoek.example", controllerCountry = "IE", kind = "Delisting",
            personalData = new[] { "home address" }, urls = new[] { "https://forum.example/t/1", "https://forum.example/t/2" },
        };

        var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", body);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var request = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}");
        request.GetProperty("kind").GetString().ShouldBe("Delisting");
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter");
        letter.GetProperty("language").GetString().ShouldBe("en");
        letter.GetProperty("subject").GetString()!.ShouldStartWith("Request to delist search results on a name (Art. 17 GDPR)");
        var text = letter.GetProperty("plainText").GetString()!;
        text.ShouldContain("search made on the basis of the data subject's name: \"Anna de Vries\"");
        text.ShouldContain("C-131/12, Google Spain");
        text.ShouldContain("- https://forum.example/t/2\n");
        text.ShouldContain("within one month of receiving it (Article 12(3) GDPR)");

        var ordinary = await DraftIn(caseId, "IE", "privacy@forum.example", null);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{ordinary}")).GetProperty("kind").GetString().ShouldBe("Erasure");
        var lowerCase = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", body with { kind = "delisting" });
        lowerCase.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private async Task<Guid> DraftIn(Guid caseId, string country, string email, string? language)
    {
        var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Taal B.V.", controllerEmail = email, controllerCountry = country, controllerLanguage = language,
            personalData = new[] { "adres" }, urls = new[] { "https://taal.example/p/1" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private Task<Guid> OpenCase() => ApiFactory.OpenCaseAsync(_partner);

    private async Task<Guid> DraftErasure(Guid caseId)
    {
        var response = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", ValidErasure());
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static object ValidErasure() => new
    {
        controllerName = "Voorbeeld B.V.",
        controllerEmail = "privacy@voorbeeld.example",
        controllerCountry = "NL",
        personalData = new[] { "home address" },
        urls = new[] { "https://voorbeeld.example/a" },
    };
}
