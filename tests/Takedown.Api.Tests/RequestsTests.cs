using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Takedown.Api.Tests;

public sealed class RequestsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Erasure_request_is_drafted_approved_and_listed_on_its_case()
    {
        var caseId = await OpenCase();

        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld Mensenzoeker B.V.",
            controllerEmail = "privacy@mensenzoeker.example",
            controllerCountry = "NL",
            personalData = new[] { "home address", "phone number" },
            urls = new[] { "https://mensenzoeker.example/p/123" },
        });
        drafted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await _partner.PostAsync($"/api/v1/erasure-requests/{id}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var request = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}");
        request.GetProperty("status").GetString().ShouldBe("Approved");
        request.GetProperty("controllerName").GetString().ShouldBe("Voorbeeld Mensenzoeker B.V.");
        request.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldBe(["erasure-request-drafted", "erasure-request-approved"]);
        var onCase = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}");
        var summary = onCase.GetProperty("requests")[0];
        summary.GetProperty("kind").GetString().ShouldBe("erasure");
        summary.GetProperty("status").GetString().ShouldBe("Approved");
    }

    [Fact]
    public async Task Approving_twice_is_harmless_and_drafting_on_someone_elses_case_is_not_found()
    {
        var caseId = await OpenCase();
        var id = await DraftErasure(caseId);
        (await _partner.PostAsync($"/api/v1/erasure-requests/{id}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _partner.PostAsync($"/api/v1/erasure-requests/{id}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);
        var foreignDraft = await other.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", ValidErasure());
        var foreignApprove = await other.PostAsync($"/api/v1/erasure-requests/{id}/approve", null);
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

    private async Task<Guid> OpenCase()
    {
        var response = await _partner.PostAsJsonAsync("/api/cases", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

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
