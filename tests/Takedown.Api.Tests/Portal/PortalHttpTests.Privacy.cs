using Takedown.Application.EventStorage;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Domain.Cases;
using Takedown.Application.Sealing;
using Marten;

namespace Takedown.Api.Tests.Portal;

/// <summary>The victim's own export and deletion of a case (GDPR Art. 15, 17 and 20).</summary>
public sealed partial class PortalHttpTests
{
    // A 1x1 PNG: the portal recognises attachments by their first bytes.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Victim_downloads_everything_held_about_a_case_as_json_and_pdf_under_neutral_names_never_cached()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var caseHtml = await victim.GetHtmlAsync(casePath);
        caseHtml.ShouldContain($"href=\"{casePath}/gegevens/json\"");
        caseHtml.ShouldContain($"href=\"{casePath}/gegevens/pdf\"");

        var json = await victim.Http.GetAsync(casePath + "/gegevens/json");
        var pdf = await victim.Http.GetAsync(casePath + "/gegevens/pdf");

        json.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        json.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("gegevens.json");
        json.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var text = await json.Content.ReadAsStringAsync();
        text.ShouldContain(casePath["/zaak/".Length..]);
        text.ShouldContain("Anna de Vries");
        text.ShouldContain("https://forum.example/t/123");
        text.ShouldContain("privacy@forum.example");
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        pdf.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("gegevens.pdf");
        pdf.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await pdf.Content.ReadAsByteArrayAsync())[..4].ShouldBe("%PDF"u8.ToArray());
    }

    [Fact]
    public async Task Victim_deletes_a_case_after_the_confirmation_step_and_nothing_of_it_is_visible_any_more()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var otherCase = await victim.StartTakedownAsync("Anna de Vries", email);
        var caseId = Guid.Parse(casePath["/zaak/".Length..]);
        var letterPath = await victim.LetterPathAsync(casePath);
        await victim.AddDiaryEntryAsync(casePath, "2026-03-01", "Bij de voordeur", "Hij belde aan.", "", ("voordeur.png", Png));
        var attachmentPath = AttachmentLink().Match(await victim.GetHtmlAsync(casePath + "/dagboek")).Value;
        attachmentPath.ShouldNotBeEmpty();
        var reference = Reference().Match(await victim.GetHtmlAsync(casePath)).Value;
        reference.ShouldNotBeEmpty();

        var confirmation = await victim.GetHtmlAsync(casePath + "/verwijderen");
        confirmation.ShouldContain("Verwijderen is definitief.");
        confirmation.ShouldContain("Wij vernietigen de sleutel");
        confirmation.ShouldContain("blijven bij de organisaties en platforms die ze kregen");
        confirmation.ShouldContain($"href=\"{casePath}/dagboek/pdf\"");
        confirmation.ShouldContain($"href=\"{casePath}/gegevens/json\"");
        (await victim.Http.GetAsync(casePath)).StatusCode.ShouldBe(HttpStatusCode.OK, "reading the confirmation deletes nothing");

        var deleted = await victim.DeleteCaseAsync(casePath);

        deleted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        deleted.Headers.Location!.ToString().ShouldBe("/verwijderd");
        var done = await victim.GetHtmlAsync("/verwijderd");
        done.ShouldContain("De zaak is verwijderd.");
        done.ShouldNotContain(reference);
        done.ShouldNotContain(caseId.ToString());
        foreach (var path in new[]
        {
            casePath, letterPath, letterPath + "/pdf", casePath + "/dagboek", casePath + "/dagboek/pdf", attachmentPath,
            casePath + "/gegevens/json", casePath + "/gegevens/pdf", casePath + "/verwijderen",
        })
        {
            var stale = await victim.Http.GetAsync(path);
            stale.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            var html = await stale.Content.ReadAsStringAsync();
            PortalPages.ShouldHaveTheSafetyParts(stale, html, path);
            html.ShouldNotContain("Anna de Vries");
            html.ShouldNotContain(reference);
        }
        var cases = await victim.GetHtmlAsync("/mijn-zaken");
        cases.ShouldNotContain(casePath);
        cases.ShouldNotContain(reference);
        cases.ShouldContain(otherCase, Shouldly.Case.Sensitive, "only that case was deleted");
        (await victim.PostFormAsync("/mijn-zaken", [], casePath + "/verwijderen")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "deleting twice");

        var stored = await factory.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(caseId);
        stored[^1].Data.ShouldBeOfType<CaseDeletedByVictim>();
        stored[^1].Actor().ShouldStartWith("victim:");
        stored.Select(e => e.Data).OfType<VictimDetailsRecorded>().Single().Name
            .ShouldBe(PersonalDataProtection.Erased);
        (await CountAsync("SELECT count(*) FROM takedown.portal_diary_attachments WHERE case_id = $1", caseId)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM takedown.encryption_keys WHERE subject_id = $1 AND key IS NULL", caseId)).ShouldBe(1);
    }

    private async Task<long> CountAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/dagboek/bijlage/[0-9a-f-]{36}")]
    private static partial Regex AttachmentLink();

    [GeneratedRegex("TD-[2-9A-Z]{8}")]
    private static partial Regex Reference();
}
