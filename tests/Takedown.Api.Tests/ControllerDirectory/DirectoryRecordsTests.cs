using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Application.ControllerDirectory;

namespace Takedown.Api.Tests.ControllerDirectory;

/// <summary>
/// The controller directory against the real database: the snapshot imported at start-up, re-imported without a change,
/// a newer snapshot updating in place, operators' own records winning with an audit trail, and typo-tolerant search.
/// </summary>
public sealed class DirectoryRecordsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private DirectoryRecords Directory => factory.Services.GetRequiredService<DirectoryRecords>();

    [Fact]
    public async Task The_snapshot_is_imported_at_start_up_whole()
    {
        (await CountAsync("SELECT count(*) FROM takedown.directory_records WHERE kind = 'company' AND imported IS NOT NULL")).ShouldBeGreaterThanOrEqualTo(3069);
        (await CountAsync("SELECT count(*) FROM takedown.directory_records WHERE kind = 'authority'")).ShouldBeGreaterThanOrEqualTo(57);
        // The one upstream file without a .json ending is a record like the others.
        (await Directory.GetAsync(DirectoryKind.Company, "mdm-de")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Re_importing_the_same_snapshot_changes_nothing()
    {
        // Other tests here import altered copies; the shipped snapshot first, so what follows is a re-import.
        await Directory.ImportAsync(DirectorySnapshot.Read(DirectorySetup.DefaultSnapshot));
        var before = await TableFingerprintAsync();

        var result = await Directory.ImportAsync(DirectorySnapshot.Read(DirectorySetup.DefaultSnapshot));

        result.Inserted.ShouldBe(0);
        result.Updated.ShouldBe(0);
        result.KeptOwn.ShouldBe(0);
        (await TableFingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_newer_snapshot_updates_changed_records_in_place_and_adds_new_ones_without_duplicates()
    {
        await Directory.ImportAsync(DirectorySnapshot.Read(DirectorySetup.DefaultSnapshot));
        var folder = CopyOfSnapshot();
        try
        {
            var file = Path.Combine(folder, "companies", "1blu.json");
            var record = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            record["email"] = "privacy-new@1blu.example";
            await File.WriteAllTextAsync(file, record.ToJsonString());
            await File.WriteAllTextAsync(Path.Combine(folder, "companies", "new-people-search.json"), """
                {"slug":"new-people-search","relevant-countries":["nl"],"categories":["addresses"],"name":"Nieuwe Personenzoeker B.V.",
                 "address":"Postbus 1\n1000 AA Amsterdam\nNederland","email":"privacy@personenzoeker.example","sources":["https://personenzoeker.example/privacy"],
                 "quality":"verified"}
                """);
            var versionBefore = (await Directory.GetAsync(DirectoryKind.Company, "1blu"))!.Version;
            var rowsBefore = await CountAsync("SELECT count(*) FROM takedown.directory_records");

            var result = await Directory.ImportAsync(DirectorySnapshot.Read(folder));
            var again = await Directory.ImportAsync(DirectorySnapshot.Read(folder));

            result.Inserted.ShouldBe(1);
            result.Updated.ShouldBe(1);
            again.Inserted.ShouldBe(0);
            again.Updated.ShouldBe(0);
            (await CountAsync("SELECT count(*) FROM takedown.directory_records")).ShouldBe(rowsBefore + 1);
            var updated = (await Directory.GetAsync(DirectoryKind.Company, "1blu"))!;
            updated.Email.ShouldBe("privacy-new@1blu.example");
            updated.Version.ShouldBe(versionBefore + 1);
            (await Directory.SearchAsync("personenzoeker"))[0].Id.ShouldBe("new-people-search");
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_operators_own_record_wins_over_the_imported_one_also_after_a_newer_import_and_leaves_an_audit_trail()
    {
        var imported = (await Directory.RecordAsync(DirectoryKind.Company, "1und1"))!;
        var corrected = (JsonObject)imported.DeepClone();
        corrected["email"] = "datenschutz-korrigiert@1und1.example";
        var versionBefore = (await Directory.GetAsync(DirectoryKind.Company, "1und1"))!.Version;

        var saved = await Directory.SaveOwnAsync(DirectoryKind.Company, "1und1", corrected, "operator:otto", "Bounced; new address on the privacy page.");
        var savedAgain = await Directory.SaveOwnAsync(DirectoryKind.Company, "1und1", corrected, "operator:otto", "Same again.");
        var folder = CopyOfSnapshot();
        try
        {
            var file = Path.Combine(folder, "companies", "1und1.json");
            var upstream = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            upstream["phone"] = "+49 721 000000";
            await File.WriteAllTextAsync(file, upstream.ToJsonString());
            var result = await Directory.ImportAsync(DirectorySnapshot.Read(folder));
            result.KeptOwn.ShouldBe(1);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }

        saved.Version.ShouldBe(versionBefore + 1);
        savedAgain.Version.ShouldBe(saved.Version);
        var now = (await Directory.GetAsync(DirectoryKind.Company, "1und1"))!;
        now.Email.ShouldBe("datenschutz-korrigiert@1und1.example");
        now.OwnRecord.ShouldBeTrue();
        now.Version.ShouldBe(saved.Version);

        var removed = (await Directory.RemoveOwnAsync(DirectoryKind.Company, "1und1", "operator:otto", "Upstream has it right now."))!;
        removed.OwnRecord.ShouldBeFalse();
        removed.Email.ShouldBe(imported["email"]!.GetValue<string>());
        var trail = await Directory.AuditTrailAsync(DirectoryKind.Company, "1und1");
        trail.Select(t => t.Action).ShouldBe(["own-record-saved", "own-record-removed"]);
        trail[0].Actor.ShouldBe("operator:otto");
        trail[0].Before!["email"]!.GetValue<string>().ShouldBe(imported["email"]!.GetValue<string>());
        trail[0].After!["email"]!.GetValue<string>().ShouldBe("datenschutz-korrigiert@1und1.example");
    }

    [Theory]
    [InlineData("facebok", "facebook")]
    [InlineData("Meta Platforms", "facebook")]
    [InlineData("instagram.com", "instagram")]
    [InlineData("instagarm", "instagram")]
    public async Task Search_finds_by_name_brand_or_domain_despite_typos(string query, string expected) =>
        (await Directory.SearchAsync(query)).Select(e => e.Id).Take(3).ShouldContain(expected);

    [Fact]
    public async Task A_search_answered_from_memory_sees_an_operators_new_record_and_its_correction_at_once()
    {
        var id = "own-" + Guid.NewGuid().ToString("N")[..8];
        JsonObject Record(string name) => new()
        {
            ["relevant-countries"] = new JsonArray("nl"), ["categories"] = new JsonArray("addresses"), ["name"] = name,
            ["address"] = "Postbus 7\n1000 AA Amsterdam\nNederland", ["email"] = $"privacy@{id}.example", ["web"] = $"https://{id}.example",
            ["sources"] = new JsonArray($"https://{id}.example/privacy"), ["quality"] = "verified",
        };

        var before = await Directory.SearchAsync("kattenluikzoeker");
        await Directory.SaveOwnAsync(DirectoryKind.Company, id, Record("Kattenluikzoeker B.V."), "operator:test", "new people-search site");
        var added = await Directory.SearchAsync("kattenluikzoeker");
        await Directory.SaveOwnAsync(DirectoryKind.Company, id, Record("Kattenluikzoeker Nederland B.V."), "operator:test", "its full name");
        var corrected = await Directory.SearchAsync("kattenluikzoeker");

        before.ShouldBeEmpty();
        added.Single().Name.ShouldBe("Kattenluikzoeker B.V.");
        corrected.Single().Name.ShouldBe("Kattenluikzoeker Nederland B.V.");
        (await Directory.SearchAsync("kattenluikzoeker")).ShouldBeSameAs(corrected, "the same search again is answered from memory");
    }

    [Fact]
    public async Task Search_by_e_mail_domain_finds_the_record()
    {
        var record = (await Directory.GetAsync(DirectoryKind.Company, "mdm-de"))!;
        (await Directory.SearchAsync("mdm.de")).Select(e => e.Id).ShouldContain(record.Id);
    }

    [Fact]
    public async Task A_partner_searches_the_directory_through_the_api()
    {
        var client = factory.ClientFor(ApiFactory.ReadOnlyKey);

        var found = await client.GetFromJsonAsync<JsonElement>("/api/v1/controllers?q=facebok");
        var missing = await client.GetAsync("/api/v1/controllers");
        var one = await client.GetFromJsonAsync<JsonElement>("/api/v1/controllers/facebook");
        var authorities = await client.GetFromJsonAsync<JsonElement>("/api/v1/supervisory-authorities");

        var first = found.GetProperty("items")[0];
        first.GetProperty("id").GetString().ShouldBe("facebook");
        first.GetProperty("name").GetString().ShouldBe("Meta Platforms Ireland Limited");
        first.GetProperty("country").GetString().ShouldBe("IE");
        first.GetProperty("channel").GetString().ShouldBe("Letter");
        first.GetProperty("quality").GetString().ShouldBe("Verified");
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        one.GetProperty("version").GetInt32().ShouldBeGreaterThan(0);
        authorities.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ShouldContain("nlap");
        (await factory.CreateClient().GetAsync("/api/v1/controllers?q=facebok")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_partner_drafts_an_erasure_request_from_a_directory_record_which_keeps_its_id_and_version()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(client);
        var record = (await Directory.GetAsync(DirectoryKind.Company, "facebook"))!;

        var response = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "facebook", personalData = new[] { "home address" }, urls = new[] { "https://www.facebook.com/some.page/posts/1" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}");
        view.GetProperty("controllerName").GetString().ShouldBe("Meta Platforms Ireland Limited");
        view.GetProperty("controllerCountry").GetString().ShouldBe("IE");
        view.GetProperty("controllerLanguage").GetString().ShouldBe("en");
        view.GetProperty("directoryRecordId").GetString().ShouldBe("facebook");
        view.GetProperty("directoryRecordVersion").GetInt32().ShouldBe(record.Version);
        // The record has no privacy e-mail address and no suggested medium: upstream's rule makes it a letter.
        view.GetProperty("channel").GetString().ShouldBe("post");
        // A letter for the post says so above the address block, and carries the record's postal address.
        var letter = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter")).GetProperty("plainText").GetString()!;
        letter.ShouldStartWith("BY REGISTERED POST\n");
        letter.ShouldContain(record.Address[0]);
    }

    [Fact]
    public async Task An_e_mailed_request_from_a_directory_record_has_no_registered_post_line()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(client);

        var response = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "facebook", controllerEmail = "privacy@meta.example", personalData = new[] { "home address" },
            urls = new[] { "https://www.facebook.com/some.page/posts/1" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter")).GetProperty("plainText").GetString()!;
        letter.ShouldNotContain("BY REGISTERED POST");
        letter.ShouldNotContain("AANGETEKEND");
    }

    [Fact]
    public async Task A_record_in_a_country_the_deadline_engine_does_not_know_counts_its_deadline_on_the_Dutch_calendar()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(client);
        var record = (await Directory.GetAsync(DirectoryKind.Company, "23andme"))!;

        var fallback = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "23andme", personalData = new[] { "home address" }, urls = new[] { "https://www.23andme.com/profile/1" },
        });
        var chosen = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "23andme", controllerCountry = "IE", personalData = new[] { "home address" }, urls = new[] { "https://www.23andme.com/profile/2" },
        });
        var unknown = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "23andme", controllerCountry = "US", personalData = new[] { "home address" }, urls = new[] { "https://www.23andme.com/profile/3" },
        });

        record.Country.ShouldBe("US");
        fallback.StatusCode.ShouldBe(HttpStatusCode.Created, await fallback.Content.ReadAsStringAsync());
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{(await fallback.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()}");
        view.GetProperty("controllerCountry").GetString().ShouldBe("NL");
        view.GetProperty("channel").GetString().ShouldBe("email");
        view.GetProperty("controllerLanguage").GetString().ShouldBe("en", "the record's request-language");
        // The partner may choose another country the engine knows; a country it does not know, given explicitly, is refused.
        chosen.StatusCode.ShouldBe(HttpStatusCode.Created, await chosen.Content.ReadAsStringAsync());
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{(await chosen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()}"))
            .GetProperty("controllerCountry").GetString().ShouldBe("IE");
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("controllerCountry", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("23andme", "US", "NL")]
    [InlineData("1plusx", "CH", "NL")]
    [InlineData("facebook", "IE", "IE")]
    public async Task The_deadline_country_is_the_records_own_when_the_engine_knows_it_and_the_victims_otherwise(string id, string country, string deadlineCountry)
    {
        var record = (await Directory.GetAsync(DirectoryKind.Company, id))!;

        record.Country.ShouldBe(country);
        record.DeadlineCountry(Takedown.Domain.Deadlines.DeadlineEngine.Default).ShouldBe(deadlineCountry);
        (record with { Country = null }).DeadlineCountry(Takedown.Domain.Deadlines.DeadlineEngine.Default).ShouldBe("NL");
    }

    [Fact]
    public async Task A_partner_gets_a_field_error_for_an_unknown_record_and_a_typed_controller_still_works()
    {
        var client = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(client);

        var unknown = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            directoryRecordId = "no-such-record", personalData = new[] { "home address" }, urls = new[] { "https://example.org/a" },
        });
        var typed = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Buurtforum B.V.", controllerEmail = "privacy@buurtforum.example", controllerCountry = "NL",
            personalData = new[] { "home address" }, urls = new[] { "https://buurtforum.example/t/1" },
        });

        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("directoryRecordId", out _).ShouldBeTrue();
        typed.StatusCode.ShouldBe(HttpStatusCode.Created, await typed.Content.ReadAsStringAsync());
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{(await typed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()}");
        view.GetProperty("channel").GetString().ShouldBe("email");
        view.GetProperty("directoryRecordId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task An_operator_adds_a_record_of_their_own_through_the_operator_api_and_a_bad_one_is_refused()
    {
        var client = factory.CreateClient();
        var form = await client.GetStringAsync("/operator/sign-in");
        (await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(
        [
            new("operatorId", ApiFactory.OperatorId), new("password", ApiFactory.OperatorPassword), new("returnUrl", ""),
            new("__RequestVerificationToken", Portal.PortalClient.Token(form)),
        ]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var saved = await client.PutAsJsonAsync("/operator/api/directory/controllers/buurtforum", new
        {
            reason = "A forum our victims meet often; privacy address from its own privacy page.",
            record = JsonNode.Parse("""
                {"relevant-countries":["nl"],"categories":["social media"],"name":"Buurtforum B.V.","address":"Kerkstraat 1\n1234 AB Utrecht\nNederland",
                 "email":"privacy@buurtforum.example","web":"https://buurtforum.example","sources":["https://buurtforum.example/privacy"],"quality":"verified"}
                """),
        });
        var bad = await client.PutAsJsonAsync("/operator/api/directory/controllers/kapot", new
        {
            reason = "test", record = JsonNode.Parse("""{"name":"Kapot","address":"one line","relevant-countries":["xx"],"sources":[],"quality":"great"}"""),
        });
        var anonymous = await factory.CreateClient().GetAsync("/operator/api/directory/controllers/buurtforum");

        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        (await Directory.SearchAsync("buurtfroum"))[0].Id.ShouldBe("buurtforum");
        (await Directory.AuditTrailAsync(DirectoryKind.Company, "buurtforum")).ShouldHaveSingleItem().Actor.ShouldBe($"operator:{ApiFactory.OperatorId}");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "address", "relevant-countries", "sources", "quality" })
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue(field);
        }
        (await Directory.GetAsync(DirectoryKind.Company, "kapot")).ShouldBeNull();
        anonymous.StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Redirect, HttpStatusCode.NotFound);
    }

    private static string CopyOfSnapshot()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("directory-snapshot-").FullName;
        foreach (var sub in new[] { "companies", "supervisory-authorities" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(folder, sub));
            foreach (var file in System.IO.Directory.EnumerateFiles(Path.Combine(DirectorySetup.DefaultSnapshot, sub)))
            {
                File.Copy(file, Path.Combine(folder, sub, Path.GetFileName(file)));
                File.SetAttributes(Path.Combine(folder, sub, Path.GetFileName(file)), FileAttributes.Normal);
            }
        }
        return folder;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string> TableFingerprintAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT md5(string_agg(kind || slug || version || coalesce(imported::text, '') || coalesce(own::text, '') || updated_at::text, '|' ORDER BY kind, slug)) || (SELECT count(*) FROM takedown.directory_imports) FROM takedown.directory_records",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
