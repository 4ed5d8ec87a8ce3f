using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.Application.Privacy;
using Takedown.Domain.Cases;
using Takedown.EventStore;
using Takedown.EventStore.Protection;

namespace Takedown.Api.Tests.Security;

public sealed class PrivacyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Erasing_a_case_leaves_no_plaintext_of_its_personal_data_in_any_table_and_no_log_ever_held_it()
    {
        var pii = new Pii("Marieke Vindbaar-Testpersoon", "marieke.vindbaar@slachtoffer.example", "Kerkstraat 12 Vindbaarstad",
            "06-98765432", "https://doxx.example/marieke-vindbaar", "https://social.example/posts/vindbaar-adres");
        var (caseId, requestId) = await RunFullFlowAsync(pii);

        // Before erasure the events hold none of it in the clear: only what the read models need is readable.
        foreach (var text in pii.All)
        {
            (await TablesContainingAsync(text, only: "events")).ShouldBeEmpty($"'{text}' is in the events in the clear");
        }
        var eventsBefore = await CountEventsAsync();

        (await _partner.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        foreach (var text in pii.All)
        {
            (await TablesContainingAsync(text)).ShouldBeEmpty($"'{text}' survived the erasure");
        }
        (await CountEventsAsync()).ShouldBe(eventsBefore + 1, "the history stays; only the deletion is added");
        (await _partner.GetAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.GetAsync($"/api/v1/erasure-requests/{requestId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.GetAsync($"/api/v1/cases/{caseId}/export")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ScheduledMessagesForAsync(requestId)).ShouldBe(0, "no deadline check is kept for an erased case");
        var store = factory.Services.GetRequiredService<EventStore.EventStore>();
        var drafted = (await store.FetchStreamAsync(requestId))[0].Data.ShouldBeOfType<Domain.ErasureRequests.ErasureRequestDrafted>();
        drafted.Urls.ShouldBeEmpty();
        drafted.PersonalData.ShouldBeEmpty();
        drafted.ControllerName.ShouldBe("Voorbeeld Mensenzoeker B.V.");

        foreach (var text in pii.All)
        {
            factory.Logs.Containing(text).ShouldBeEmpty($"'{text}' was logged");
        }
        factory.Logs.Entries.Count.ShouldBeGreaterThan(10, "the logs were captured at all");
    }

    [Fact]
    public async Task The_owner_exports_everything_about_a_case_as_json_and_pdf_and_no_one_else_can()
    {
        var pii = new Pii("Export Testpersoon", "export.test@slachtoffer.example", "Dorpsstraat 1 Exportdorp", "06-11122233",
            "https://doxx.example/export-test", "https://social.example/export-test");
        var (caseId, requestId) = await RunFullFlowAsync(pii, approve: false);

        var export = await _partner.GetAsync($"/api/v1/cases/{caseId}/export");
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        export.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var json = await export.Content.ReadAsStringAsync();
        foreach (var text in pii.All)
        {
            json.ShouldContain(text);
        }
        var document = JsonDocument.Parse(json).RootElement;
        document.GetProperty("caseId").GetGuid().ShouldBe(caseId);
        document.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("streamId").GetGuid()).ShouldContain(requestId);

        var pdf = await _partner.GetAsync($"/api/v1/cases/{caseId}/export.pdf");
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await pdf.Content.ReadAsByteArrayAsync())[..4].ShouldBe("%PDF"u8.ToArray());

        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);
        (await other.GetAsync($"/api/v1/cases/{caseId}/export")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/cases/{caseId}/export.pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.ClientFor(ApiFactory.ReadOnlyKey).DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _partner.GetAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.OK, "nobody else could erase it");
    }

    [Fact]
    public async Task Closed_cases_past_their_retention_are_erased_and_open_ones_are_kept()
    {
        var closed = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "retention.closed@slachtoffer.example");
        var open = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "retention.open@slachtoffer.example");
        var store = factory.Services.GetRequiredService<EventStore.EventStore>();
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "system")))
        {
            session.Events.Append(closed, new CaseClosed(closed, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var sweep = new RetentionSweep(
            factory.Services.GetRequiredService<CaseErasure>(), factory.Services.GetRequiredService<NpgsqlDataSource>(),
            store.Options, Options.Create(new PrivacySettings { RetentionAfterClose = TimeSpan.Zero }), TimeProvider.System,
            NullLogger<RetentionSweep>.Instance);

        (await sweep.SweepAsync()).ShouldBeGreaterThanOrEqualTo(1);

        (await _partner.GetAsync($"/api/v1/cases/{closed}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.GetAsync($"/api/v1/cases/{open}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TablesContainingAsync("retention.closed@slachtoffer.example")).ShouldBeEmpty();
        var details = (await store.FetchStreamAsync(closed)).Select(e => e.Data).OfType<VictimDetailsRecorded>().Single();
        details.Email.ShouldBe(PersonalDataProtection.Erased);
        (await store.FetchStreamAsync(closed)).Select(e => e.Data).Last().ShouldBeOfType<CaseDeletedByVictim>();
    }

    /// <summary>Opens a case, drafts an erasure request and a platform report, approves the letter and waits until it was sent.</summary>
    private async Task<(Guid CaseId, Guid RequestId)> RunFullFlowAsync(Pii pii, bool approve = true)
    {
        var opened = await _partner.PostAsJsonAsync("/api/v1/cases", new { victimName = pii.Name, victimEmail = pii.Email, language = "nl" });
        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Voorbeeld Mensenzoeker B.V.",
            controllerEmail = "privacy@mensenzoeker.example",
            controllerCountry = "NL",
            personalData = new[] { pii.Address, pii.Phone },
            urls = new[] { pii.Url },
        });
        drafted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var report = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform = "Sandbox",
            urls = new[] { pii.SecondUrl },
            category = "Doxing",
            explanation = $"Mijn adres {pii.Address} en telefoon {pii.Phone} staan online.",
            notifierName = pii.Name,
            notifierEmail = pii.Email,
            goodFaithStatement = true,
        });
        report.StatusCode.ShouldBe(HttpStatusCode.Created);
        if (approve)
        {
            var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter");
            (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve",
                new { contentSha256 = letter.GetProperty("contentSha256").GetString() })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}")).GetProperty("status").GetString() != "Sent")
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the letter was not sent");
                await Task.Delay(100);
            }
            factory.Smtp.ReceivedFor("privacy@mensenzoeker.example").ShouldNotBeEmpty();
        }
        return (caseId, requestId);
    }

    /// <summary>Every table in every schema of the database whose text, json or binary columns contain <paramref name="text"/>.</summary>
    private async Task<IReadOnlyList<string>> TablesContainingAsync(string text, string? only = null)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.table_schema, c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        columns.Count.ShouldBeGreaterThan(20, "the scan saw the schema");
        var found = new List<string>();
        foreach (var (schema, table, column, type) in columns.Where(c => only is null || c.Table == only))
        {
            var value = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text";
            await using var command = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE strpos(lower({value}), lower($1)) > 0", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = text });
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{schema}.{table}.{column}");
            }
        }
        return found;
    }

    private async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> ScheduledMessagesForAsync(Guid requestId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.messages WHERE body->>'requestId' = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId.ToString() });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record Pii(string Name, string Email, string Address, string Phone, string Url, string SecondUrl)
    {
        public IEnumerable<string> All => [Name, Email, Address, Phone, Url, SecondUrl];
    }
}
