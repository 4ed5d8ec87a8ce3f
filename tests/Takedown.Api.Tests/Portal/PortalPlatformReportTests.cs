using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Takedown.Platforms.Notices;
using Takedown.Testing;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// A victim's platform report in the portal against the sandbox platform and the real SMTP server: the notice is read
/// with the publication warning and approved before anything is filed; an e-mail-only platform gets the notice letter;
/// after a refusal the victim objects (DSA Art. 20) from the case page and sees the platform's new decision.
/// </summary>
public sealed partial class PortalPlatformReportTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string NewEmail() => $"v{Guid.NewGuid():N}@mail.test";

    [Fact]
    public async Task The_notice_is_filed_only_after_the_victim_read_it_with_the_publication_warning_and_approved_it()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "Sandbox");
        var caseHtml = await victim.GetHtmlAsync(casePath);
        var noticePath = NoticeLink().Match(caseHtml).Value;
        var reportId = Guid.Parse(noticePath[^36..]);

        caseHtml.ShouldContain("Melding lezen en goedkeuren");
        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath));
        html.ShouldContain(DsaNoticeCheck.PublicationWarningNl);
        html.ShouldContain("https://forum.example/t/777");
        html.ShouldContain("Anna de Vries");
        html.ShouldContain(email);
        // What the victim typed as "by whom" goes into the explanation: that is why it must be seen before it goes.
        html.ShouldContain("mijn ex-partner");
        html.ShouldContain(reportId.ToString("N"));
        var sha = Sha().Match(html).Groups[1].Value;
        sha.ShouldMatch("^[0-9a-f]{64}$");

        var unticked = await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "false")]);
        var otherText = await victim.PostFormAsync(noticePath, [new("shownSha256", new string('0', 64)), new("publicationWarningRead", "true")]);
        await Task.Delay(1000);

        unticked.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await unticked.Content.ReadAsStringAsync()).ShouldContain("Vink aan dat u hebt gelezen");
        otherText.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await FilingsAsync()).Where(f => f.GetProperty("reference").GetString() == reportId.ToString("N")).ShouldBeEmpty();
        (await StatusAsync(reportId)).ShouldBe("Drafted");

        var approved = await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")]);

        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        approved.Headers.Location!.ToString().ShouldBe(casePath);
        await Eventually(async () => await StatusAsync(reportId) == "Filed");
        var filing = (await FilingsAsync()).Single(f => f.GetProperty("reference").GetString() == reportId.ToString("N"));
        filing.GetProperty("urls").EnumerateArray().Select(u => u.GetString()).ShouldBe(["https://forum.example/t/777"]);
        var afterwards = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        afterwards.ShouldContain("Gemeld. We wachten op de beslissing van het platform.");
        afterwards.ShouldContain("De melding bekijken");
        (await victim.GetHtmlAsync(noticePath)).ShouldNotContain("Ik keur deze melding goed");
    }

    [Fact]
    public async Task An_email_only_platform_gets_the_approved_notice_as_a_letter_over_smtp_and_the_report_counts_as_filed_when_sent()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "SandboxMail");
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var reportId = Guid.Parse(noticePath[^36..]);
        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath));
        var sha = Sha().Match(html).Groups[1].Value;
        var before = factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress).Count;

        html.ShouldContain(PortalFactory.MailPlatformAddress);
        html.ShouldContain("Melding van illegale inhoud (art. 16 DSA)");
        html.ShouldContain("artikel 16, tweede lid, onder d");
        html.ShouldContain(DsaNoticeCheck.PublicationWarningNl);
        await Task.Delay(500);
        factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress).Count.ShouldBe(before);

        (await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Eventually(async () => await StatusAsync(reportId) == "Filed");
        var mail = factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress).Skip(before).ShouldHaveSingleItem();
        var raw = PortalFactory.DecodeQuotedPrintable(Encoding.UTF8.GetString(mail.Raw));
        raw.ShouldContain("X-Takedown-Content-SHA256: " + sha);
        raw.ShouldContain("https://forum.example/t/777");
        raw.ShouldContain(email);
        var filed = await ScalarAsync("SELECT data::text FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'platform-report-filed-by-email'", reportId);
        var messageId = JsonDocument.Parse((string)filed!).RootElement.GetProperty("messageId").GetString();
        raw.ShouldContain("Message-ID: " + messageId);
        // The response target runs from sending: three days as the platform is configured.
        var (sentAt, dueAt) = await SentAndDueAsync(reportId);
        dueAt.ShouldBe(sentAt.AddDays(3), TimeSpan.FromSeconds(1));
        (await FilingsAsync()).Where(f => f.GetProperty("reference").GetString() == reportId.ToString("N")).ShouldBeEmpty();
    }

    [Fact]
    public async Task After_a_refusal_the_case_page_offers_the_objection_with_its_end_date_files_it_with_the_platform_and_shows_the_new_decision()
    {
        (await factory.Sandbox.PostAsJsonAsync("sandbox/scenario", new { steps = new object[] { new { kind = "Refuse", reasons = "Geen schending." }, new { kind = "Accept" } } }))
            .EnsureSuccessStatusCode();
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "Sandbox");
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var reportId = Guid.Parse(noticePath[^36..]);
        var sha = Sha().Match(WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath))).Groups[1].Value;
        (await victim.GetHtmlAsync(casePath)).ShouldNotContain("Bezwaar maken bij het platform");

        await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")]);
        await Eventually(async () => await StatusAsync(reportId) == "Refused");

        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Bezwaar maken bij het platform");
        html.ShouldContain("interne klacht (artikel 20");
        var windowEnd = DateOnly.ParseExact((string)(await ScalarAsync("SELECT to_char(due_date, 'YYYY-MM-DD') FROM takedown.request_overview WHERE id = $1", reportId))!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        html.ShouldContain("Dit kan tot en met " + Letters.Composing.LetterDates.Format(windowEnd, "nl"));
        var complaintAction = casePath + "?handler=complaint";
        var empty = await victim.PostFormAsync(casePath, [new("reportId", reportId.ToString()), new("Grounds", " ")], complaintAction);
        var hidden = await victim.PostFormAsync(casePath, [new("reportId", reportId.ToString()), new("Grounds", "Mijn adres \u202Eetsoptnu")], complaintAction);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        hidden.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await hidden.Content.ReadAsStringAsync()).ShouldContain("onzichtbare stuur- of leesrichtingstekens");

        const string grounds = "Het bericht toont mijn woonadres om mij bang te maken.";
        var lodged = await victim.PostFormAsync(casePath, [new("reportId", reportId.ToString()), new("Grounds", grounds)], complaintAction);

        lodged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var complaint = await Eventually(async () =>
            (await factory.Sandbox.GetFromJsonAsync<List<JsonElement>>("sandbox/complaints", Web))!
                .FirstOrDefault(c => c.GetProperty("reference").GetString() == reportId.ToString("N")) is { ValueKind: JsonValueKind.Object } c ? c : (JsonElement?)null);
        complaint.GetProperty("grounds").GetString().ShouldBe(grounds);
        await Eventually(async () => await ScalarAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'internal-complaint-filed'", reportId) is 1L);
        html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Bezwaar gemaakt bij het platform op");
        html.ShouldContain("Het platform moet opnieuw beslissen.");
        html.ShouldNotContain("Bezwaar indienen bij het platform");

        var ticket = complaint.GetProperty("ticketId").GetString()!;
        var webhook = await PostStatusWebhookAsync(ticket, "content_removed");

        webhook.StatusCode.ShouldBe(HttpStatusCode.Accepted, await webhook.Content.ReadAsStringAsync());
        await Eventually(async () => await StatusAsync(reportId) == "Removed");
        WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath)).ShouldContain("Na uw bezwaar heeft het platform de inhoud alsnog verwijderd.");
    }

    [Fact]
    public async Task After_the_complaint_window_ends_the_case_page_no_longer_offers_the_objection_and_refuses_a_late_one()
    {
        (await factory.Sandbox.PostAsJsonAsync("sandbox/scenario", new { steps = new object[] { new { kind = "Refuse", reasons = "Geen schending." } } }))
            .EnsureSuccessStatusCode();
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "Sandbox");
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var reportId = Guid.Parse(noticePath[^36..]);
        var sha = Sha().Match(WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath))).Groups[1].Value;
        await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")]);
        await Eventually(async () => await StatusAsync(reportId) == "Refused");
        var (_, windowEnd) = await SentAndDueAsync(reportId);

        // Past the last day of the window (DSA Art. 20: at least six months), signed in again: the session has ended.
        factory.Clock.Advance(windowEnd - factory.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var again = new PortalClient(factory);
        await again.SignInAsync(email, 2);
        var html = WebUtility.HtmlDecode(await again.GetHtmlAsync(casePath));
        var late = await again.PostFormAsync(casePath, [new("reportId", reportId.ToString()), new("Grounds", "Te laat?")], casePath + "?handler=complaint");

        html.ShouldNotContain("Bezwaar indienen bij het platform");
        late.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ScalarAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'internal-complaint-lodged'", reportId)).ShouldBe(0L);
    }

    [Fact]
    public async Task The_start_form_refuses_control_and_direction_override_characters_with_a_clear_message_and_stores_nothing()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);

        var response = await victim.PostFormAsync("/melden",
        [
            new("Name", "Anna \u202Eseirv ed"), new("Email", email), new("What", "address"), new("Urls", "https://forum.example/t/1"),
            new("ByWhom", "mijn ex\u0007"), new("Erasure", "false"), new("Report", "true"), new("Platform", "Sand\u200Fbox"),
            new("Category", "Doxing"), new("GoodFaith", "true"),
        ]);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Regex.Count(html, "onzichtbare stuur- of leesrichtingstekens").ShouldBeGreaterThanOrEqualTo(3);
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldContain("U hebt nog geen zaak.");
    }

    [Fact]
    public async Task The_start_form_offers_the_registrys_platforms_and_another_platform_with_what_the_victim_can_do_instead()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync("/melden"));

        var select = Regex.Match(html, "<select id=\"Platform\" name=\"Platform\"[^>]*>(.*?)</select>", RegexOptions.Singleline);
        select.Success.ShouldBeTrue("the platform is chosen, not typed");
        Regex.Matches(select.Groups[1].Value, "<option value=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ShouldBe(["", "Sandbox", "SandboxMail", ":other"]);
        select.Groups[1].Value.ShouldContain("Een ander platform");
        html.ShouldNotContain("<input type=\"text\" id=\"Platform\"");
        html.ShouldContain("Bij dat platform kunnen wij nog geen melding voor u doen, en wij maken er dan ook geen.");
        html.ShouldContain("kies hierboven het verzoek om verwijdering");
    }

    [Fact]
    public async Task Another_platform_files_nothing_the_erasure_request_goes_ahead_alone_and_without_it_the_form_says_what_to_do()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        KeyValuePair<string, string>[] Form(bool erasure, string platform) =>
        [
            new("Name", "Anna de Vries"), new("Email", email), new("What", "address"), new("Urls", "https://elders.example/p/1"),
            new("Erasure", erasure ? "true" : "false"), new("ControllerName", "Elders B.V."), new("ControllerEmail", "privacy@elders.example"),
            new("ControllerCountry", "NL"), new("Report", "true"), new("Platform", platform), new("Category", "Doxing"), new("GoodFaith", "true"),
        ];

        var alone = await victim.PostFormAsync("/melden", Form(erasure: false, ":other"));
        var typed = await victim.PostFormAsync("/melden", Form(erasure: true, "Facebook"));

        alone.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await alone.Content.ReadAsStringAsync()).ShouldContain("Bij een ander platform kunnen wij nog geen melding voor u doen.");
        typed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await typed.Content.ReadAsStringAsync()).ShouldContain("Kies het platform uit de lijst, of ‘Een ander platform’.");
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldContain("U hebt nog geen zaak.");

        var casePath = await victim.StartTakedownAsync(Form(erasure: true, ":other"));

        var caseId = Guid.Parse(casePath[^36..]);
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var kinds = new NpgsqlCommand("SELECT string_agg(kind, ',') FROM takedown.request_overview WHERE case_id = $1", connection)
        { Parameters = { new NpgsqlParameter { Value = caseId } } };
        (await kinds.ExecuteScalarAsync()).ShouldBe("erasure");
        await using var letters = new NpgsqlCommand(
            "SELECT count(*) FROM takedown.letter_overview l JOIN takedown.request_overview r ON r.id = l.request_id WHERE r.case_id = $1 AND l.kind = 'PlatformNotice'",
            connection) { Parameters = { new NpgsqlParameter { Value = caseId } } };
        (await letters.ExecuteScalarAsync()).ShouldBe(0L);
        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Verzoek om verwijdering aan Elders B.V.");
        html.ShouldNotContain("Melding bij");
    }

    private async Task<HttpResponseMessage> PostStatusWebhookAsync(string ticket, string status)
    {
        // Signed at the host's (manual) clock: the signature's timestamp must lie within five minutes of it.
        var at = factory.Clock.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "notice.status_changed",
            timestamp = at,
            data = new { ticketId = ticket, status, statementOfReasons = (string?)null, updatedAt = at },
        });
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var stamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", stamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", PythonSigner.Sign(id, stamp, body, PortalFactory.WebhookSecret));
        return await factory.NewClient().SendAsync(request);
    }

    private async Task<List<JsonElement>> FilingsAsync() => (await factory.Sandbox.GetFromJsonAsync<List<JsonElement>>("sandbox/filings", Web))!;

    private async Task<string?> StatusAsync(Guid reportId) =>
        await ScalarAsync("SELECT status FROM takedown.request_overview WHERE id = $1", reportId) as string;

    private async Task<(DateTimeOffset SentAt, DateTimeOffset DueAt)> SentAndDueAsync(Guid reportId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sent_at, due_at FROM takedown.request_overview WHERE id = $1", connection)
        { Parameters = { new NpgsqlParameter { Value = reportId } } };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private async Task<object?> ScalarAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = id } } };
        return await command.ExecuteScalarAsync();
    }

    private static async Task Eventually(Func<Task<bool>> probe) => await Eventually<bool>(async () => await probe() ? true : null);

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : struct
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The expected state was not reached within 30 s.");
    }

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/melding/[0-9a-f-]{36}")]
    private static partial Regex NoticeLink();

    [GeneratedRegex(@"SHA-256 ([0-9a-f]{64})")]
    private static partial Regex Sha();
}
