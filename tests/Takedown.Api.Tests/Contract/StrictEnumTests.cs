using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Takedown.Api.Tests.Contract;

/// <summary>
/// Every enum-typed field of a body the API reads takes exactly the names the OpenAPI document lists: integers, numeric
/// strings, another letter case, padded names and comma-joined flags are a 400 problem naming the field and the names,
/// and nothing is stored.
/// </summary>
public sealed class StrictEnumTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>What <c>JsonStringEnumConverter</c> took for a name: each must be refused.</summary>
    public static TheoryData<string, string> NotANameFor(string name, int declaredAt, string other) => new()
    {
        { "flags", JsonSerializer.Serialize($"{name},{other}") },
        { "flags reversed", JsonSerializer.Serialize($"{other}, {name}") },
        { "integer", declaredAt.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        { "numeric string", JsonSerializer.Serialize(declaredAt.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        { "lower case", JsonSerializer.Serialize(name.ToLowerInvariant()) },
        { "upper case", JsonSerializer.Serialize(name.ToUpperInvariant()) },
        { "leading space", JsonSerializer.Serialize(" " + name) },
        { "trailing space", JsonSerializer.Serialize(name + " ") },
        { "empty", "\"\"" },
        { "boolean", "true" },
        { "array", JsonSerializer.Serialize(new[] { name }) },
        { "object", $$"""{"value":{{JsonSerializer.Serialize(name)}}}""" },
        { "negative", "-1" },
        { "undeclared integer", "99" },
    };

    public static TheoryData<string, string> EscalationModes => NotANameFor("Automatic", 1, "OperatorReview");

    public static TheoryData<string, string> Categories => NotANameFor("IntimateImages", 2, "Doxing");

    [Theory]
    [MemberData(nameof(EscalationModes))]
    public async Task Opening_a_case_refuses_an_escalation_mode_that_is_not_exactly_a_name(string form, string value)
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var before = await StoredRowsAsync(factory.ConnectionString);

        var response = await PostJsonAsync(client, "/api/v1/cases",
            $$"""{"victimName":"Anna de Vries","victimEmail":"anna@slachtoffer.example","language":"nl","escalationMode":{{value}}}""");

        await ShouldNameFieldAsync(response, "escalationMode", ["OperatorReview", "Automatic"], form);
        (await StoredRowsAsync(factory.ConnectionString)).ShouldBe(before, form);
    }

    [Theory]
    [MemberData(nameof(Categories))]
    public async Task Drafting_a_platform_report_refuses_a_category_that_is_not_exactly_a_name(string form, string value)
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(client);
        var before = await StoredRowsAsync(factory.ConnectionString);

        var response = await PostJsonAsync(client, $"/api/v1/cases/{caseId}/platform-reports",
            $$"""
            {"platform":"Sandbox","urls":["https://exampletube.example/watch?v=abc123"],"category":{{value}},
             "explanation":"The video shows my home address.","notifierName":"Takedown","notifierEmail":"notices@takedown.example",
             "goodFaithStatement":true}
            """);

        await ShouldNameFieldAsync(response, "category", ["Doxing", "Stalking", "IntimateImages", "Threats"], form);
        (await StoredRowsAsync(factory.ConnectionString)).ShouldBe(before, form);
    }

    [Fact]
    public async Task The_exact_names_are_taken_and_stored_as_sent()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        foreach (var mode in new[] { "Automatic", "OperatorReview" })
        {
            var caseId = await ApiFactory.OpenCaseAsync(client, mode: mode);
            var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}");
            read.GetProperty("escalationMode").GetString().ShouldBe(mode);
        }
    }

    [Fact]
    public async Task The_document_lists_each_enum_as_a_string_with_exactly_its_names()
    {
        var document = JsonNode.Parse(await factory.ClientFor(ApiFactory.PartnerKey).GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!;
        schemas["EscalationMode"]!["type"]!.GetValue<string>().ShouldBe("string");
        schemas["EscalationMode"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["OperatorReview", "Automatic"]);
        schemas["ReportCategory"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["Doxing", "Stalking", "IntimateImages", "Threats"]);
    }

    internal static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string json) =>
        await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    internal static async Task ShouldNameFieldAsync(HttpResponseMessage response, string field, IReadOnlyList<string> names, string because)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{because}: {body}");
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(body)!;
        problem["title"]!.GetValue<string>().ShouldBe("Some fields need attention");
        var messages = problem["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToList();
        messages.ShouldNotBeNull($"{because}: the problem names {field}: {body}");
        foreach (var name in names)
        {
            messages.ShouldContain(m => m.Contains(name, StringComparison.Ordinal), $"{because}: the problem lists {name}");
        }
    }

    /// <summary>Streams, events and webhook subscriptions: what a request that is refused must not add to.</summary>
    internal static async Task<(long Streams, long Events, long Subscriptions)> StoredRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM takedown_events.mt_streams), (SELECT count(*) FROM takedown_events.mt_events),
                   (SELECT count(*) FROM takedown.webhook_subscriptions)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
