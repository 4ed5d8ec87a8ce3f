using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Takedown.Api.Tests.Operator;

/// <summary>The served OpenAPI document against the running API: every documented operation answers as documented.</summary>
public sealed class ApiContractTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task Every_operation_is_described_with_examples_and_problem_details_for_its_errors()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();

        operations.Count.ShouldBeGreaterThanOrEqualTo(7);
        foreach (var (method, path, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            operation["description"]?.GetValue<string>().ShouldNotBeNullOrWhiteSpace(name);
            var responses = operation["responses"]!.AsObject();
            foreach (var status in new[] { "401", "403", "429" })
            {
                responses.ContainsKey(status).ShouldBeTrue($"{name} documents {status}");
            }
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                response!["content"]?["application/problem+json"].ShouldNotBeNull($"{name} {status} is problem details");
            }
            if (operation["requestBody"]?["content"]?["application/json"] is { } body)
            {
                var example = body["example"].ShouldNotBeNull($"{name} has a request example");
                MissingRequired(document, body["schema"]!, example).ShouldBeEmpty($"{name}'s example has every required property");
            }
        }
    }

    [Fact]
    public async Task Real_responses_have_the_documented_status_and_the_required_properties_of_their_schemas()
    {
        var document = await DocumentAsync();
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var ids = new Dictionary<string, string>();
        var called = new List<string>();

        // In the order a partner uses them: a case first, then its requests, then their state.
        var order = new[]
        {
            "OpenCase", "GetCase", "DraftErasureRequest", "GetErasureRequest", "GetErasureLetter", "GetErasureLetterPdf",
            "ApproveErasureRequest", "DraftPlatformReport", "GetPlatformNotice", "ApprovePlatformReport", "GetPlatformReport",
            "LodgeInternalComplaint", "OpenApComplaint", "GetApComplaint", "ExportCase", "ExportCasePdf", "EraseCase",
            "CreateWebhookSubscription", "ListWebhookSubscriptions", "ListWebhookDeliveries", "EnableWebhookSubscription",
            "DeleteWebhookSubscription", "SearchControllers", "GetController", "ListSupervisoryAuthorities",
        };
        var operations = Operations(document).ToDictionary(o => o.Operation["operationId"]!.GetValue<string>());
        operations.Keys.ShouldBe(order, ignoreOrder: true);
        foreach (var operationId in order)
        {
            var (method, path, operation) = operations[operationId];
            var url = path.Replace("{caseId}", ids.GetValueOrDefault("case"), StringComparison.Ordinal)
                .Replace("{id}", operationId.Contains("Webhook", StringComparison.Ordinal) ? ids.GetValueOrDefault("subscription") : operationId.Contains("Platform", StringComparison.Ordinal) || operationId == "LodgeInternalComplaint" ? ids.GetValueOrDefault("platform") : operationId == "GetApComplaint" ? ids.GetValueOrDefault("complaint") : operationId is "GetCase" or "ExportCase" or "ExportCasePdf" or "EraseCase" ? ids.GetValueOrDefault("case") : ids.GetValueOrDefault("erasure"), StringComparison.Ordinal);
            if (operationId == "SearchControllers")
            {
                url += "?q=facebok";
            }
            if (operationId == "GetController")
            {
                url = path.Replace("{id}", "facebook", StringComparison.Ordinal);
            }
            if (operationId == "OpenApComplaint")
            {
                // The controller's refusal arrives by mail and an operator confirms it: here it is recorded directly.
                await factory.AnswerErasureRequestAsync(Guid.Parse(ids["erasure"]), Takedown.Domain.ErasureRequests.ErasureOutcome.Refused);
            }
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
            if (operation["requestBody"]?["content"]?["application/json"]?["example"] is { } example)
            {
                var body = example.DeepClone();
                if (operationId == "CreateWebhookSubscription")
                {
                    body["url"] = "http://127.0.0.1:9/hooks/takedown"; // loopback: allowed over http in Testing, nothing listens
                }
                if (operationId == "DraftPlatformReport")
                {
                    body["platform"] = "Sandbox"; // the platform registry of the test host
                }
                if (operationId == "ApproveErasureRequest")
                {
                    body["contentSha256"] = ids["letterSha256"]; // the hash of the letter just read
                }
                if (operationId == "ApprovePlatformReport")
                {
                    body["contentSha256"] = ids["noticeSha256"]; // the hash of the notice just read
                }
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);

            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var documented = operation["responses"]![status];
            documented.ShouldNotBeNull($"{operationId} answered {status}, which is not documented: {await response.Content.ReadAsStringAsync()}");
            if (operationId == "LodgeInternalComplaint")
            {
                // The platform has not refused (it is not even reachable from this host): the documented refusal.
                response.StatusCode.ShouldBe(HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                called.Add(operationId);
                continue;
            }
            ((int)response.StatusCode).ShouldBeLessThan(300, $"{operationId}: {await response.Content.ReadAsStringAsync()}");
            if (documented["content"] is JsonObject contentTypes && contentTypes.Count > 0)
            {
                contentTypes.ContainsKey(response.Content.Headers.ContentType!.MediaType!).ShouldBeTrue($"{operationId} answered a documented content type");
            }
            if (documented["content"]?["application/json"]?["schema"] is { } schema)
            {
                var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                MissingRequired(document, schema, json).ShouldBeEmpty($"{operationId}'s response has every required property");
                var id = json is JsonObject ? json["id"]?.GetValue<string>() : null;
                switch (operationId)
                {
                    case "OpenCase": ids["case"] = id!; break;
                    case "DraftErasureRequest": ids["erasure"] = id!; break;
                    case "DraftPlatformReport": ids["platform"] = id!; break;
                    case "CreateWebhookSubscription": ids["subscription"] = id!; break;
                    case "OpenApComplaint": ids["complaint"] = id!; break;
                    case "GetErasureLetter": ids["letterSha256"] = json["contentSha256"]!.GetValue<string>(); break;
                    case "GetPlatformNotice": ids["noticeSha256"] = json["contentSha256"]!.GetValue<string>(); break;
                }
            }
            called.Add(operationId);
        }

        called.ShouldBe(order);
    }

    [Fact]
    public async Task Documented_errors_come_back_as_problem_details()
    {
        var reader = factory.ClientFor(ApiFactory.ReadOnlyKey);
        var anonymous = factory.CreateClient();

        var forbidden = await reader.PostAsJsonAsync("/api/v1/cases", new { language = "nl" });
        var unauthorized = await anonymous.GetAsync($"/api/v1/cases/{Guid.NewGuid()}");
        var notFound = await reader.GetAsync($"/api/v1/cases/{Guid.NewGuid()}");

        foreach (var (response, status) in new[] { (forbidden, HttpStatusCode.Forbidden), (unauthorized, HttpStatusCode.Unauthorized), (notFound, HttpStatusCode.NotFound) })
        {
            response.StatusCode.ShouldBe(status);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("status").GetInt32().ShouldBe((int)status);
            problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        }
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var client = factory.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
    }

    private static IEnumerable<(string Method, string Path, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from method in Methods
        where path.Value![method] is not null
        select (method, path.Key, path.Value![method]!);

    /// <summary>Required properties missing anywhere in <paramref name="value"/> (following $ref, arrays and nested objects).</summary>
    private static List<string> MissingRequired(JsonNode document, JsonNode schema, JsonNode? value, string at = "$")
    {
        var missing = new List<string>();
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        }
        if (value is JsonObject obj)
        {
            foreach (var name in schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
            {
                if (!obj.ContainsKey(name))
                {
                    missing.Add($"{at}.{name}");
                }
            }
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
            {
                if (obj[name] is { } child)
                {
                    missing.AddRange(MissingRequired(document, property!, child, $"{at}.{name}"));
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                missing.AddRange(MissingRequired(document, items, array[i], $"{at}[{i}]"));
            }
        }
        return missing;
    }
}
