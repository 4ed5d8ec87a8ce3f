using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PdfSharp.Pdf.IO;
using Takedown.Domain.Deadlines;
using Takedown.Letters.Rendering;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// Letters in the portal over plain HTTP against the real server: the cease-and-desist letter for registered post, the
/// authorisation for the AP, and a reminder to approve. The clock is moved by hand (the reminder test moves it weeks).
/// </summary>
public sealed partial class PortalLettersTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static string NewEmail() => $"v{Guid.NewGuid():N}@mail.test";

    private static readonly KeyValuePair<string, string>[] Harasser =
    [
        new("RecipientName", "Jan Jansen"), new("Address", "Dorpsweg 5\n3500 AB Utrecht"), new("Conduct", "calls"), new("Conduct", "visits"),
        new("OtherConduct", "bloemen laten bezorgen"), new("Urls", "https://forum.example/t/123"), new("Language", "nl"),
    ];

    [Fact]
    public async Task Owner_previews_and_makes_a_cease_and_desist_letter_kept_encrypted_with_its_hash_and_downloads_it_for_registered_post()
    {
        var (victim, casePath) = await StartedAsync();
        var form = casePath + "/brieven/nieuw";
        (await victim.GetHtmlAsync(casePath)).ShouldContain($"href=\"{form}\"");

        var preview = await victim.PostFormAsync(form, Harasser, form + "?handler=Preview");
        var previewHtml = WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());

        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var expected in new[] { "AANGETEKEND", "Jan Jansen\nDorpsweg 5\n3500 AB Utrecht", "Geachte Jan Jansen,", "Wij schrijven u namens Anna de Vries.",
            "- bellen", "- langskomen bij huis of werk, of daar opwachten", "- bloemen laten bezorgen", "- https://forum.example/t/123", "Op voorstellen of verzoeken om een gesprek wordt niet ingegaan." })
        {
            previewHtml.ShouldContain(expected);
        }
        var sha = ShownSha().Match(previewHtml).Groups[1].Value;
        sha.ShouldMatch("^[0-9a-f]{64}$");
        (await CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE case_id = $1 AND kind = 'CeaseAndDesist'", CaseId(casePath))).ShouldBe(0);

        var created = await victim.PostFormAsync(form, [.. Harasser, new("shownSha256", sha)], form + "?handler=Create");

        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var letterPath = created.Headers.Location!.ToString().Split('?')[0];
        letterPath.ShouldMatch($"^{casePath}/brieven/[0-9a-f-]{{36}}$");
        var letterId = Guid.Parse(letterPath[(letterPath.LastIndexOf('/') + 1)..]);
        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(created.Headers.Location!.ToString()));
        page.ShouldContain("Waarom aangetekend?");
        page.ShouldContain("moet tekenen");
        page.ShouldContain("SHA-256 " + sha);
        (await victim.GetHtmlAsync(casePath)).ShouldContain($"href=\"{letterPath}\"");

        var pdf = await victim.Http.GetAsync(letterPath + "/pdf");
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        pdf.Content.Headers.ContentDisposition!.FileName.ShouldBe("brief.pdf");
        using (var document = PdfReader.Open(new MemoryStream(await pdf.Content.ReadAsByteArrayAsync()), PdfDocumentOpenMode.Import))
        {
            document.Info.Title.ShouldStartWith("Sommatie: staak elk contact met Anna de Vries - kenmerk TD-");
            document.Info.Elements.GetString(LetterPdf.ContentSha256Key).ShouldBe(sha);
        }

        // The evidence: the exact text and its hash, prepared and approved by the victim, the harasser's details encrypted.
        var stored = await RowsAsync("SELECT type, data::text FROM takedown_events.mt_events WHERE stream_id = $1 ORDER BY version", letterId);
        stored.Select(r => r.Type).ShouldBe(["letter-prepared", "letter-approved"]);
        stored[0].Data.ShouldContain(sha);
        stored[0].Data.ShouldContain("\"channel\": \"post\"");
        foreach (var personal in new[] { "Jan Jansen", "Dorpsweg", "3500 AB", "Anna de Vries" })
        {
            stored[0].Data.ShouldNotContain(personal);
        }
        // Registered post is the victim's to send: the service never e-mails it.
        await Task.Delay(1000);
        (await ScalarAsync("SELECT status FROM takedown.letter_overview WHERE id = $1", letterId)).ShouldBe("Approved");
        factory.Logs.Lines.ShouldAllBe(line => !line.Contains("Jan Jansen", StringComparison.Ordinal) && !line.Contains("Dorpsweg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_victim_records_posting_the_letter_by_registered_post_and_the_diary_dossier_lists_it()
    {
        var (victim, casePath) = await StartedAsync();
        var form = casePath + "/brieven/nieuw";
        var preview = WebUtility.HtmlDecode(await (await victim.PostFormAsync(form, Harasser, form + "?handler=Preview")).Content.ReadAsStringAsync());
        var sha = ShownSha().Match(preview).Groups[1].Value;
        var letterPath = (await victim.PostFormAsync(form, [.. Harasser, new("shownSha256", sha)], form + "?handler=Create")).Headers.Location!.ToString().Split('?')[0];
        var letterId = Guid.Parse(letterPath[(letterPath.LastIndexOf('/') + 1)..]);
        var today = DateOnly.FromDateTime(Takedown.Api.Portal.PortalText.Local(factory.Clock.GetUtcNow()).DateTime);
        (await victim.GetHtmlAsync(letterPath)).ShouldContain("Hebt u de brief aangetekend verstuurd?");

        var future = await victim.PostFormAsync(letterPath, [new("postedOn", today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), new("trackingCode", "")], letterPath + "?handler=Posted");
        var notACode = await victim.PostFormAsync(letterPath, [new("postedOn", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), new("trackingCode", "<b>3S</b>")], letterPath + "?handler=Posted");
        var posted = await victim.PostFormAsync(letterPath, [new("postedOn", today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), new("trackingCode", " 3s-abcd 1234567 ")], letterPath + "?handler=Posted");

        future.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await future.Content.ReadAsStringAsync()).ShouldContain("De datum ligt in de toekomst.");
        notACode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await notACode.Content.ReadAsStringAsync()).ShouldContain("Dat lijkt geen barcode.");
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(letterPath));
        page.ShouldContain($"U hebt deze brief aangetekend verstuurd op {Takedown.Letters.Composing.LetterDates.Format(today.AddDays(-1), "nl")}, barcode 3SABCD1234567.");
        WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath))
            .ShouldContain($"aangetekend verstuurd op {Takedown.Letters.Composing.LetterDates.Format(today.AddDays(-1), "nl")}");
        var stored = await RowsAsync("SELECT type, data::text FROM takedown_events.mt_events WHERE stream_id = $1 ORDER BY version", letterId);
        stored.Select(r => r.Type).ShouldBe(["letter-prepared", "letter-approved", "letter-posted"]);
        stored[2].Data.ShouldNotContain("3SABCD1234567", Case.Sensitive, "the barcode is sealed with the case's key");

        var dossier = await victim.Http.GetAsync(casePath + "/dagboek/pdf");
        dossier.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = PdfReader.Open(new MemoryStream(await dossier.Content.ReadAsByteArrayAsync()), PdfDocumentOpenMode.Import);
        document.Info.Elements.GetString(DiaryPdf.PostedLettersKey).ShouldBe(sha);
    }

    [Fact]
    public async Task A_letter_confirmed_with_a_text_other_than_the_one_shown_is_not_made()
    {
        var (victim, casePath) = await StartedAsync();
        var form = casePath + "/brieven/nieuw";

        var created = await victim.PostFormAsync(form, [.. Harasser, new("shownSha256", new string('0', 64))], form + "?handler=Create");

        created.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await created.Content.ReadAsStringAsync()).ShouldContain("De tekst is veranderd sinds u hem zag");
        (await CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE case_id = $1 AND kind = $2", CaseId(casePath), "CeaseAndDesist")).ShouldBe(0);
    }

    [Fact]
    public async Task Only_the_cases_owner_can_make_see_or_download_its_letters()
    {
        var (owner, casePath) = await StartedAsync();
        var form = casePath + "/brieven/nieuw";
        var preview = WebUtility.HtmlDecode(await (await owner.PostFormAsync(form, Harasser, form + "?handler=Preview")).Content.ReadAsStringAsync());
        var created = await owner.PostFormAsync(form, [.. Harasser, new("shownSha256", ShownSha().Match(preview).Groups[1].Value)], form + "?handler=Create");
        var letterPath = created.Headers.Location!.ToString().Split('?')[0];

        var intruder = new PortalClient(factory);
        await intruder.SignInAsync(NewEmail());
        foreach (var path in new[] { form, letterPath, letterPath + "/pdf", casePath + "/machtiging" })
        {
            (await intruder.Http.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }
        var token = PortalClient.Token(await intruder.GetHtmlAsync("/mijn-zaken"));
        foreach (var (action, fields) in new (string, KeyValuePair<string, string>[])[]
        {
            (form + "?handler=Preview", Harasser),
            (form + "?handler=Create", [.. Harasser, new("shownSha256", new string('0', 64))]),
            (casePath + "/machtiging", [new("shownSha256", "0"), new("SignedName", "Anna de Vries"), new("Agree", "true")]),
            (letterPath, [new("shownSha256", "0")]),
        })
        {
            (await intruder.Http.PostAsync(action, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)])))
                .StatusCode.ShouldBe(HttpStatusCode.NotFound, action);
        }
        (await CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE case_id = $1 AND kind = $2", CaseId(casePath), "CeaseAndDesist")).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = $2", CaseId(casePath), "authorisation-granted")).ShouldBe(0);
    }

    [Fact]
    public async Task Victim_signs_the_authorisation_by_typing_their_name_under_the_text_shown_and_can_revoke_it()
    {
        var (victim, casePath) = await StartedAsync();
        var path = casePath + "/machtiging";
        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(path));
        html.ShouldContain("Ik, Anna de Vries, machtig Takedown om mij in zaak TD-");
        html.ShouldContain("artikel 2:1 Algemene wet bestuursrecht");
        var sha = ShownSha().Match(html).Groups[1].Value;

        var wrongName = await victim.PostFormAsync(path, [new("shownSha256", sha), new("SignedName", "Jan Jansen"), new("Agree", "true")]);
        wrongName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await wrongName.Content.ReadAsStringAsync()).ShouldContain("Typ uw naam precies zoals die in uw zaak staat.");

        var signed = await victim.PostFormAsync(path, [new("shownSha256", sha), new("SignedName", "Anna de Vries"), new("Agree", "true")]);

        signed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await victim.GetHtmlAsync(path)).ShouldContain("U hebt deze machtiging ondertekend op");
        (await victim.GetHtmlAsync(casePath)).ShouldContain("data-testid=\"authorised\"");
        var granted = (await RowsAsync("SELECT type, data::text FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'authorisation-granted'", CaseId(casePath))).Single();
        granted.Data.ShouldContain(sha);
        granted.Data.ShouldNotContain("machtig");

        var revoked = await victim.PostFormAsync(path, [], path + "?handler=Revoke");

        revoked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = $2", CaseId(casePath), "authorisation-revoked")).ShouldBe(1);
        (await victim.GetHtmlAsync(path)).ShouldContain("name=\"SignedName\"");
    }

    [Fact]
    public async Task A_week_before_the_deadline_the_victim_approves_the_reminder_in_the_portal_and_it_goes_to_the_organisation()
    {
        var email = NewEmail();
        var (victim, casePath) = await StartedAsync(email);
        var caseHtml = await victim.GetHtmlAsync(casePath);
        var letterPage = await victim.GetHtmlAsync(ErasureLetter().Match(caseHtml).Value);
        var approved = await victim.PostFormAsync(ErasureLetter().Match(caseHtml).Value, [new("shownSha256", ShownSha().Match(letterPage).Groups[1].Value)]);
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var requestId = await EventuallyAsync(() => ScalarGuidAsync(
            "SELECT id FROM takedown.request_overview WHERE case_id = $1 AND kind = 'erasure' AND status = 'Sent'", CaseId(casePath)));
        var (dueDate, dueAt) = await DueAsync(requestId);
        var week = factory.Services.GetRequiredService<DeadlineEngine>()
            .WarningPoints(new Deadline(DeadlineKinds.GdprAnswer, dueDate, dueAt, new LocalizedText("", "")), 7).Single();

        factory.Clock.SetUtcNow(week.At.AddMinutes(1));
        var reminderId = await EventuallyAsync(() => ScalarGuidAsync(
            "SELECT id FROM takedown.letter_overview WHERE request_id = $1 AND kind = 'DeadlineReminder'", requestId));
        // The session ended while the weeks passed; the victim signs in again (the reminder notice went to the same address).
        victim = new PortalClient(factory);
        await victim.SignInAsync(email, 2);
        caseHtml = await victim.GetHtmlAsync(casePath);
        caseHtml.ShouldContain($"href=\"{casePath}/brieven/{reminderId}\"");
        var reminderPage = WebUtility.HtmlDecode(await victim.GetHtmlAsync($"{casePath}/brieven/{reminderId}"));
        reminderPage.ShouldContain("Herinnering: verzoek om gegevenswissing");
        reminderPage.ShouldContain("Ik keur deze brief goed");

        var approval = await victim.PostFormAsync($"{casePath}/brieven/{reminderId}", [new("shownSha256", ShownSha().Match(reminderPage).Groups[1].Value)]);

        approval.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await EventuallyAsync(() => Task.FromResult(factory.Smtp.ReceivedFor("privacy@forum.example")
            .Any(m => PortalFactory.DecodeQuotedPrintable(Encoding.UTF8.GetString(m.Raw)).Contains("Wij hebben nog geen antwoord van u ontvangen.", StringComparison.Ordinal))
            ? requestId : (Guid?)null));
        // The SMTP server has the letter a moment before the worker's transaction records it as sent.
        await EventuallyAsync(async () => await ScalarAsync("SELECT status FROM takedown.letter_overview WHERE id = $1", reminderId) as string == "Sent"
            ? reminderId : (Guid?)null);
        (await victim.GetHtmlAsync(casePath)).ShouldNotContain("data-testid=\"reminder\"");
    }

    // A delisting request chosen on the start form: GDPR Art. 17(1)(c) with 21(1) to a search engine (CJEU C-131/12 Google Spain).
    [Fact]
    public async Task A_victim_who_marks_the_organisation_as_a_search_engine_gets_the_delisting_letter_to_approve()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync(
        [
            new("Name", "Anna de Vries"), new("Email", email), new("What", "address"), new("Urls", "https://forum.example/t/123"),
            new("Erasure", "true"), new("ControllerName", "Zoekmachine B.V."), new("ControllerEmail", "privacy@zoek.example"),
            new("ControllerCountry", "NL"), new("SearchEngine", "true"), new("Report", "false"),
        ]);

        var letter = WebUtility.HtmlDecode(await victim.GetHtmlAsync(await victim.LetterPathAsync(casePath)));

        letter.ShouldContain("Verzoek om verwijdering van zoekresultaten op naam (art. 17 AVG)");
        letter.ShouldContain("zoekopdracht op de naam van betrokkene: \"Anna de Vries\"");
        letter.ShouldContain("C-131/12, Google Spain en Google");
        letter.ShouldContain("alle versies en domeinnamen van uw zoekmachine");
    }

    private async Task<(PortalClient Victim, string CasePath)> StartedAsync(string? email = null)
    {
        email ??= NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        return (victim, await victim.StartTakedownAsync("Anna de Vries", email));
    }

    private static Guid CaseId(string casePath) => Guid.Parse(casePath["/zaak/".Length..]);

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : struct
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            DateTime.UtcNow.ShouldBeLessThan(until, "waited 30 s");
            await Task.Delay(100);
        }
    }

    private async Task<(DateOnly DueDate, DateTimeOffset DueAt)> DueAsync(Guid requestId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT due_date, due_at FROM takedown.request_overview WHERE id = $1", connection)
        { Parameters = { new NpgsqlParameter { Value = requestId } } };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private async Task<Guid?> ScalarGuidAsync(string sql, Guid id) =>
        await ScalarObjectAsync(sql, id) is Guid value ? value : null;

    private async Task<string?> ScalarAsync(string sql, Guid id) => await ScalarObjectAsync(sql, id) as string;

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<object?> ScalarObjectAsync(string sql, Guid id)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = id } } };
        return await command.ExecuteScalarAsync();
    }

    private async Task<IReadOnlyList<(string Type, string Data)>> RowsAsync(string sql, Guid id)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    [GeneratedRegex("name=\"shownSha256\" value=\"([0-9a-f]+)\"")]
    private static partial Regex ShownSha();

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/brief/[0-9a-f-]{36}")]
    private static partial Regex ErasureLetter();
}
