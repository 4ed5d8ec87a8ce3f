using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Takedown.Api.Tests.Contract;

/// <summary>
/// A property over the served OpenAPI document: for every enum field of every request body it lists (enum-typed fields
/// and string fields with a closed set of values, single or in a list), any value outside the listed names is a 400
/// problem naming the field, and nothing is stored.
/// </summary>
public sealed class EnumFuzzTests(EnumFuzzTests.Host factory) : IClassFixture<EnumFuzzTests.Host>
{
    /// <summary>The API host with a rate limit the property's few hundred calls stay under.</summary>
    public sealed class Host : ApiFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:Integration:Burst", "100000");
            builder.UseSetting("RateLimits:Integration:PerSecond", "100000");
        }
    }

    private sealed record EnumField(string OperationId, string Path, JsonObject Example, string Property, IReadOnlyList<string> Names, bool IsList)
    {
        public override string ToString() => $"{OperationId}.{Property}";
    }

    [Fact]
    public async Task Any_value_outside_the_listed_names_is_a_400_naming_the_field_and_stores_nothing()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var caseId = await ApiFactory.OpenCaseAsync(client);
        var fields = EnumFields(document).ToList();

        fields.Select(f => f.ToString()).ShouldBe(
            ["OpenCase.language", "OpenCase.escalationMode", "DraftErasureRequest.controllerLanguage", "DraftErasureRequest.kind", "DraftPlatformReport.category", "DraftPlatformReport.notifier",
             "CreateWebhookSubscription.eventTypes"], ignoreOrder: true);
        foreach (var field in fields)
        {
            // The example as it is, with this host's ids, is taken: a refusal below is the field's doing.
            var accepted = await PostAsync(client, field, caseId, Body(field, null));
            accepted.StatusCode.ShouldBeOneOf([HttpStatusCode.Created], $"{field}: {await accepted.Content.ReadAsStringAsync()}");
        }

        var cases = Gen.Elements(fields.ToArray()).SelectMany(field => NotAName(field.Names).Select(value => (Field: field, Value: value)));
        var property = Prop.ForAll(cases.ToArbitrary(), sample =>
        {
            var (field, value) = sample;
            var before = StrictEnumTests.StoredRowsAsync(factory.ConnectionString).GetAwaiter().GetResult();
            using var response = PostAsync(client, field, caseId, Body(field, value)).GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var after = StrictEnumTests.StoredRowsAsync(factory.ConnectionString).GetAwaiter().GetResult();
            var errors = response.StatusCode == HttpStatusCode.BadRequest ? JsonNode.Parse(body)?["errors"]?.AsObject() : null;
            return (response.StatusCode == HttpStatusCode.BadRequest
                    && errors is not null && errors.Any(e => e.Key == field.Property || e.Key.StartsWith(field.Property + "[", StringComparison.Ordinal))
                    && after == before)
                .Label($"{field} = {value?.ToJsonString() ?? "null"}: {(int)response.StatusCode} {body}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    /// <summary>Values that are not exactly one of <paramref name="names"/>: the forms a lenient reader would take, and any JSON.</summary>
    private static Gen<JsonNode?> NotAName(IReadOnlyList<string> names)
    {
        var name = Gen.Elements(names.ToArray());
        var text = Gen.Elements("abcxyzABCXYZ019 ,._-\t\u00a0\u200bİı".ToCharArray()).ArrayOf().Select(c => new string(c));
        var variants = Gen.OneOf(
            name.Select(n => n.ToLowerInvariant()),
            name.Select(n => n.ToUpperInvariant()),
            name.Select(n => n.ToUpper(CultureInfo.GetCultureInfo("tr-TR"))),
            name.Select(n => char.IsUpper(n[0]) ? char.ToLowerInvariant(n[0]) + n[1..] : char.ToUpperInvariant(n[0]) + n[1..]),
            Gen.Zip(name, Gen.Elements(" ", "\t", "\n", "\u00a0", "\u200b", "\0")).Select(p => p.Item2 + p.Item1),
            Gen.Zip(name, Gen.Elements(" ", "\t", "\n", "\u00a0", "\u200b", "\0")).Select(p => p.Item1 + p.Item2),
            Gen.Zip(Gen.Zip(name, name), Gen.Elements(",", ", ", "|", ";")).Select(p => p.Item1.Item1 + p.Item2 + p.Item1.Item2),
            Gen.Zip(name, text).Select(p => p.Item1 + p.Item2),
            Gen.Choose(-3, names.Count + 3).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            text);
        var strings = variants.Where(s => !names.Contains(s, StringComparer.Ordinal)).Select(s => (JsonNode?)JsonValue.Create(s));
        var others = Gen.OneOf(
            Gen.Choose(-3, names.Count + 3).Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Elements<JsonNode?>(JsonValue.Create(true), JsonValue.Create(false), JsonValue.Create(1.5), new JsonObject()),
            name.Select(n => (JsonNode?)new JsonObject { ["name"] = n }),
            name.Select(n => (JsonNode?)new JsonArray(JsonValue.Create(n), JsonValue.Create(n))));
        return Gen.Frequency((4, strings), (1, others));
    }

    /// <summary>
    /// The example body with <paramref name="value"/> in the field (a list field gets it as one of its items beside a
    /// valid name), or as it is when null.
    /// </summary>
    private static string Body(EnumField field, JsonNode? value)
    {
        var body = (JsonObject)field.Example.DeepClone();
        if (field.OperationId == "DraftPlatformReport")
        {
            body["platform"] = "Sandbox"; // the example's platform is not in this host's registry
        }
        if (field.OperationId == "CreateWebhookSubscription")
        {
            body["url"] = "http://127.0.0.1:9/hooks"; // loopback: allowed over http in Testing
        }
        if (value is not null)
        {
            body[field.Property] = field.IsList ? new JsonArray(JsonValue.Create(field.Names[0]), value.DeepClone()) : value.DeepClone();
        }
        return body.ToJsonString();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, EnumField field, Guid caseId, string body) =>
        await client.PostAsync(field.Path.Replace("{caseId}", caseId.ToString(), StringComparison.Ordinal),
            new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Every property of a request body whose schema (or whose items' schema) lists an enum.</summary>
    private static IEnumerable<EnumField> EnumFields(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (_, operation) in item!.AsObject())
            {
                if (operation?["requestBody"]?["content"]?["application/json"] is not { } media)
                {
                    continue;
                }
                var schema = Resolve(document, media["schema"]!);
                var example = media["example"]!.AsObject();
                foreach (var (property, propertySchema) in schema["properties"]!.AsObject())
                {
                    var resolved = Resolve(document, propertySchema!);
                    var isList = resolved["items"] is not null;
                    var names = Names(document, isList ? Resolve(document, resolved["items"]!) : resolved);
                    if (names is not null)
                    {
                        yield return new EnumField(operation["operationId"]!.GetValue<string>(), path, example, property, names, isList);
                    }
                }
            }
        }
    }

    private static List<string>? Names(JsonNode document, JsonNode schema) =>
        schema["enum"] is JsonArray values ? [.. values.Where(v => v is not null).Select(v => v!.GetValue<string>())] : null;

    /// <summary>Follows a <c>$ref</c>, and the non-null branch of a <c>oneOf</c> with null.</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Resolve(document, document["components"]!["schemas"]![reference.Split('/')[^1]]!);
        }
        if (schema["oneOf"] is JsonArray choices && choices.FirstOrDefault(c => c?["type"]?.ToString() != "null") is { } choice)
        {
            return Resolve(document, choice);
        }
        return schema;
    }
}
