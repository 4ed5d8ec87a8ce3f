using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Tests.Portal;
using Takedown.Application.Letters;
using Takedown.Domain.Deadlines;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// A platform that takes notices by e-mail answers by e-mail. On the host over real HTTP, with the real SMTP server and
/// the e-mail-only platform <c>SandboxMail</c>: the victim's notice letter is sent, the platform's reply comes in at the
/// notice's reply address, and an operator records the decision from the reply's page, or a supervisor from the case
/// page; each is audited, and the victim's case page shows it (a refusal with the DSA Art. 20 window).
/// </summary>
public sealed partial class PlatformDecisionTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_decision_that_is_not_exactly_one_of_the_names_is_refused_and_records_nothing()
    {
        var (_, _, _, reportId) = await FiledByEmailAsync();
        var replyId = await PlatformReplyAsync(reportId, "Re: Melding van illegale inhoud", "De inhoud blijft staan.");
        var operatorClient = await OperatorClient.SignInAsync(factory.BaseAddress.ToString(), PortalFactory.OperatorId);
        var replyPath = $"/operator/replies/{replyId}";

        foreach (var value in new[] { "refused", "REFUSED", " Refused", "Refused,Removed", "1", "99", "" })
        {
            var response = await operatorClient.PostFormAsync(replyPath,
                [new("platformDecision", value), new("reasons", "Niet in strijd met onze voorwaarden.")], replyPath + "?handler=platform");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"platformDecision \"{value}\"");
        }
        var twice = await operatorClient.PostFormAsync(replyPath,
            [new("platformDecision", "Refused"), new("platformDecision", "Removed"), new("reasons", "x")], replyPath + "?handler=platform");
        var decision = await operatorClient.PostFormAsync(replyPath, [new("decision", "answered"), new("outcome", "Refused")]);
        var outcome = await operatorClient.PostFormAsync(replyPath, [new("decision", "Answered"), new("outcome", "2")]);

        twice.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        decision.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        outcome.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await StatusAsync(reportId)).ShouldBe("Filed");
        (await ScalarAsync("SELECT confirmed_meaning FROM takedown.inbound_mail WHERE id = $1", replyId)).ShouldBe(DBNull.Value);
    }

    [Fact]
    public async Task An_operator_records_a_refusal_without_reasons_from_the_platforms_reply_dated_by_its_decision_and_the_victims_case_page_opens_the_internal_complaint_window()
    {
        var (victim, casePath, caseId, reportId) = await FiledByEmailAsync();
        var replyId = await PlatformReplyAsync(reportId, "Re: Melding van illegale inhoud",
            "Wij hebben uw melding beoordeeld. De inhoud is niet in strijd met onze voorwaarden en blijft staan.");
        var operatorClient = await OperatorClient.SignInAsync(factory.BaseAddress.ToString(), PortalFactory.OperatorId);
        var replyPath = $"/operator/replies/{replyId}";

        var page = WebUtility.HtmlDecode(await operatorClient.GetHtmlAsync(replyPath));
        page.ShouldContain("notice to the platform SandboxMail");
        page.ShouldContain("data-testid=\"platform-form\"");
        page.ShouldNotContain("data-testid=\"confirm-form\"");
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        var receivedAt = new DateTimeOffset((DateTime)(await ScalarAsync("SELECT received_at FROM takedown.inbound_mail WHERE id = $1", replyId))!, TimeSpan.Zero);
        var arrivedOn = engine.LocalDate(receivedAt, DeadlineEngine.VictimCountry);
        var decidedOn = arrivedOn.AddDays(-2);
        var afterArrival = await operatorClient.PostFormAsync(replyPath,
            [new("platformDecision", "Refused"), new("decidedOn", arrivedOn.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))], replyPath + "?handler=platform");
        var asAnErasureAnswer = await operatorClient.PostFormAsync(replyPath, [new("decision", "Answered"), new("outcome", "Refused")]);

        afterArrival.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await afterArrival.Content.ReadAsStringAsync()).ShouldContain("cannot have decided after its message arrived");
        asAnErasureAnswer.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await asAnErasureAnswer.Content.ReadAsStringAsync()).ShouldContain("record the platform's decision instead");
        (await StatusAsync(reportId)).ShouldBe("Filed");
        (await ScalarAsync("SELECT confirmed_meaning FROM takedown.inbound_mail WHERE id = $1", replyId)).ShouldBe(DBNull.Value);

        // A platform may refuse without giving the notifier reasons (it owes them the decision and the redress, DSA
        // Art. 16(5)); the refusal is recorded all the same, dated by the day its message names.
        var recorded = await operatorClient.PostFormAsync(replyPath,
            [new("platformDecision", "Refused"), new("decidedOn", decidedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))], replyPath + "?handler=platform");

        recorded.StatusCode.ShouldBe(HttpStatusCode.Redirect, await recorded.Content.ReadAsStringAsync());
        recorded.Headers.Location!.ToString().ShouldBe("/operator/replies");
        (await StatusAsync(reportId)).ShouldBe("Refused");
        (await ScalarAsync("SELECT confirmed_meaning FROM takedown.inbound_mail WHERE id = $1", replyId)).ShouldBe("Refused");
        // The decision is the operator's, caused by the reply (its evidence), and dated by the day the platform decided.
        var refusal = await EventAsync(reportId, "content-removal-refused");
        refusal.Actor.ShouldBe("operator:" + PortalFactory.OperatorId);
        refusal.Causation.ShouldBe(replyId.ToString());
        refusal.Data.GetProperty("refusedAt").GetDateTimeOffset().ShouldBe(engine.StartOfDay(decidedOn, DeadlineEngine.VictimCountry), TimeSpan.FromMilliseconds(1));
        var audit = await EventAsync(reportId, "operator-action-recorded");
        audit.Data.GetProperty("action").GetString().ShouldBe("record-platform-decision-from-reply");
        audit.Data.GetProperty("operatorId").GetString().ShouldBe(PortalFactory.OperatorId);
        audit.Data.GetProperty("subjectId").GetGuid().ShouldBe(reportId);
        var again = await operatorClient.PostFormAsync(replyPath,
            [new("platformDecision", "Refused"), new("reasons", "Nog een keer.")], replyPath + "?handler=platform");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()).ShouldContain("Someone confirmed this reply already.");
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'operator-action-recorded'", reportId)).ShouldBe(1L);

        var history = OperatorClient.Rows(await operatorClient.GetHtmlAsync($"/operator/cases/{caseId}"), "history");
        history.ShouldContain(row => row[1] == "content-removal-refused" && row[2] == "operator:" + PortalFactory.OperatorId);
        history.ShouldContain(row => row[1] == "operator-action-recorded: record-platform-decision-from-reply" && row[2] == "operator:" + PortalFactory.OperatorId);

        var window = engine.DsaInternalComplaintWindow(decidedOn);
        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Het platform weigert de inhoud te verwijderen.");
        html.ShouldContain("Bezwaar maken bij het platform");
        html.ShouldContain("Dit kan tot en met " + Letters.Composing.LetterDates.Format(window.DueDate, "nl"));
        html.ShouldContain("via het klachtensysteem van het platform");
        // Nothing of the decision is in the victim's mailbox: platform decisions are shown on the case page, as for a
        // platform with a report API; the statement of reasons is not shown to the victim at all.
        html.ShouldNotContain("Niet in strijd met onze voorwaarden.");

        // The platform takes no complaint by API: the objection goes as a letter, which the victim reads before it goes.
        html.ShouldContain("Bekijk de brief met uw bezwaar");
        KeyValuePair<string, string>[] objection = [new("reportId", reportId.ToString()), new("Grounds", "Het is mijn adres, geplaatst om mij bang te maken.")];
        var preview = await victim.PostFormAsync(casePath, objection, casePath + "?handler=complaint");
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        var previewHtml = WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        previewHtml.ShouldContain("Klacht tegen uw besluit op onze melding (art. 20 DSA)");
        previewHtml.ShouldContain("Het is mijn adres, geplaatst om mij bang te maken.");
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'internal-complaint-lodged'", reportId)).ShouldBe(0L, "reading it sends nothing");
        var shown = ShownComplaintSha().Match(previewHtml).Groups[1].Value;
        shown.ShouldMatch("^[0-9a-f]{64}$");
        var otherText = await victim.PostFormAsync(casePath, [.. objection, new("ShownSha256", new string('0', 64))], casePath + "?handler=complaint");
        otherText.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await otherText.Content.ReadAsStringAsync()).ShouldContain("De brief is veranderd sinds u hem las.");
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'internal-complaint-lodged'", reportId)).ShouldBe(0L);

        var sent = await victim.PostFormAsync(casePath, [.. objection, new("ShownSha256", shown)], casePath + "?handler=complaint");

        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await Eventually(async () => await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'internal-complaint-filed'", reportId) == 1);
        var filed = await EventAsync(reportId, "internal-complaint-filed");
        filed.Data.GetProperty("complaintId").GetString()!.ShouldStartWith("e-mail <");
        var mail = factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress)
            .Select(m => PortalFactory.DecodeQuotedPrintable(Encoding.UTF8.GetString(m.Raw)))
            .Where(m => m.Contains("art. 20 DSA", StringComparison.Ordinal)).ShouldHaveSingleItem();
        mail.ShouldContain("Het is mijn adres, geplaatst om mij bang te maken.");
        var complaintLetter = await ScalarAsync("SELECT content_sha256 FROM takedown.letter_overview WHERE request_id = $1 AND kind = 'PlatformComplaint'", reportId);
        complaintLetter.ShouldBe(shown, "what was sent is what the victim read");
        html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Bezwaar bij het platform");

        // The platform writes again and removes the content.
        var second = await PlatformReplyAsync(reportId, "Re: Klacht tegen uw besluit", "Na uw bezwaar hebben wij de inhoud verwijderd.");
        var removed = await operatorClient.PostFormAsync($"/operator/replies/{second}", [new("platformDecision", "Removed")],
            $"/operator/replies/{second}?handler=platform");

        removed.StatusCode.ShouldBe(HttpStatusCode.Redirect, await removed.Content.ReadAsStringAsync());
        (await StatusAsync(reportId)).ShouldBe("Removed");
        html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("de inhoud alsnog verwijderd.", Case.Sensitive, "after the objection");
        html.ShouldNotContain("Bezwaar maken bij het platform");
    }

    [Fact]
    public async Task Only_a_supervisor_records_a_decision_on_the_case_page_each_one_is_audited_and_the_victim_sees_it()
    {
        var (victim, casePath, caseId, reportId) = await FiledByEmailAsync();
        var operatorClient = await OperatorClient.SignInAsync(factory.BaseAddress.ToString(), PortalFactory.OperatorId);
        var supervisor = await OperatorClient.SignInAsync(factory.BaseAddress.ToString(), PortalFactory.SupervisorId);
        var casePage = $"/operator/cases/{caseId}";
        var action = casePage + "?handler=decision";
        var today = Today();
        KeyValuePair<string, string>[] Decision(string decision, string? day = null, string? restriction = null) =>
            [new("reportId", reportId.ToString()), new("platformDecision", decision), new("decidedOn", day ?? today), new("restriction", restriction ?? "")];

        var asOperator = await operatorClient.GetHtmlAsync(casePage);
        asOperator.ShouldContain("data-testid=\"decision-supervisor-only\"");
        asOperator.ShouldNotContain("data-testid=\"decision-form\"");
        var refusedRole = await operatorClient.PostFormAsync(casePage, Decision("Removed"), action);
        refusedRole.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refusedRole.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"denied\"");
        (await StatusAsync(reportId)).ShouldBe("Filed");

        (await supervisor.GetHtmlAsync(casePage)).ShouldContain("data-testid=\"decision-form\"");
        var future = await supervisor.PostFormAsync(casePage, Decision("Removed", "2099-01-01"), action);
        var beforeFiling = await supervisor.PostFormAsync(casePage, Decision("Removed", "2020-01-01"), action);
        var noRestriction = await supervisor.PostFormAsync(casePage, Decision("Restricted"), action);
        var otherCase = await supervisor.PostFormAsync(casePage, [new("reportId", Guid.NewGuid().ToString()), new("platformDecision", "Removed"), new("decidedOn", today)], action);

        future.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync()).ShouldContain("cannot be dated after today");
        beforeFiling.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await beforeFiling.Content.ReadAsStringAsync()).ShouldContain("cannot have decided before");
        noRestriction.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        otherCase.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CountAsync(
            "SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type IN ('content-removed', 'content-restricted', 'platform-report-acknowledged', 'operator-action-recorded')",
            reportId)).ShouldBe(0L);

        var acknowledged = await supervisor.PostFormAsync(casePage, Decision("Acknowledged"), action);
        var restricted = await supervisor.PostFormAsync(casePage, Decision("Restricted", restriction: "Verborgen in Nederland"), action);
        var repeated = await supervisor.PostFormAsync(casePage, Decision("Restricted", restriction: "Verborgen in Nederland"), action);

        acknowledged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        restricted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await restricted.Content.ReadAsStringAsync());
        repeated.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        WebUtility.HtmlDecode(await supervisor.GetHtmlAsync(repeated.Headers.Location!.ToString())).ShouldContain("Nothing changed: the report already holds this decision.");
        (await StatusAsync(reportId)).ShouldBe("Restricted");
        var audits = await EventsAsync(reportId, "operator-action-recorded");
        audits.Select(a => a.Data.GetProperty("action").GetString()).ShouldBe(["record-platform-decision", "record-platform-decision"]);
        audits.ShouldAllBe(a => a.Actor == "operator:" + PortalFactory.SupervisorId && a.Data.GetProperty("operatorId").GetString() == PortalFactory.SupervisorId);
        (await EventAsync(reportId, "platform-report-acknowledged")).Actor.ShouldBe("operator:" + PortalFactory.SupervisorId);
        (await EventAsync(reportId, "content-restricted")).Actor.ShouldBe("operator:" + PortalFactory.SupervisorId);
        var history = OperatorClient.Rows(await supervisor.GetHtmlAsync(casePage), "history");
        history.Count(row => row[1] == "operator-action-recorded: record-platform-decision" && row[2] == "operator:" + PortalFactory.SupervisorId).ShouldBe(2);

        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        html.ShouldContain("Het platform heeft de inhoud beperkt");
        html.ShouldContain("dat het de melding heeft ontvangen.");
        html.ShouldContain("Besluit van het platform op");
        html.ShouldNotContain("Bezwaar maken bij het platform");
    }

    [Fact]
    public async Task A_decision_is_refused_for_a_report_never_filed_and_for_one_filed_through_a_report_api()
    {
        var supervisor = await OperatorClient.SignInAsync(factory.BaseAddress.ToString(), PortalFactory.SupervisorId);
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var drafted = await victim.StartReportAsync("Anna de Vries", email, "SandboxMail");
        var draftedReport = ReportIdOf(await victim.GetHtmlAsync(drafted));
        var byApi = await victim.StartReportAsync("Anna de Vries", email, "Sandbox");
        var apiReport = await ApproveAsync(victim, byApi);
        await Eventually(async () => await StatusAsync(apiReport) == "Filed");
        var today = Today();

        var notFiled = await PostDecisionAsync(supervisor, CaseIdOf(drafted), draftedReport, today);
        var api = await PostDecisionAsync(supervisor, CaseIdOf(byApi), apiReport, today);

        notFiled.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await notFiled.Content.ReadAsStringAsync()).ShouldContain("not been filed yet");
        api.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await api.Content.ReadAsStringAsync()).ShouldContain("status updates");
        (await StatusAsync(draftedReport)).ShouldBe("Drafted");
        (await StatusAsync(apiReport)).ShouldBe("Filed");
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = ANY($1) AND type = 'operator-action-recorded'", new[] { draftedReport, apiReport }))
            .ShouldBe(0L);
    }

    private static async Task<HttpResponseMessage> PostDecisionAsync(OperatorClient supervisor, Guid caseId, Guid reportId, string day) =>
        await supervisor.PostFormAsync($"/operator/cases/{caseId}",
            [new("reportId", reportId.ToString()), new("platformDecision", "Removed"), new("decidedOn", day)], $"/operator/cases/{caseId}?handler=decision");

    /// <summary>Today in the Netherlands at the host's clock, as the decision form gives it.</summary>
    private string Today()
    {
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        return engine.LocalDate(factory.Clock.GetUtcNow(), DeadlineEngine.VictimCountry).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string NewEmail() => $"v{Guid.NewGuid():N}@mail.test";

    /// <summary>A victim's report to the e-mail-only platform, approved and sent: filed by e-mail.</summary>
    private async Task<(PortalClient Victim, string CasePath, Guid CaseId, Guid ReportId)> FiledByEmailAsync()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "SandboxMail");
        var reportId = await ApproveAsync(victim, casePath);
        await Eventually(async () => await StatusAsync(reportId) == "Filed");
        return (victim, casePath, CaseIdOf(casePath), reportId);
    }

    private static async Task<Guid> ApproveAsync(PortalClient victim, string casePath)
    {
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var sha = Sha().Match(WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath))).Groups[1].Value;
        (await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return Guid.Parse(noticePath[^36..]);
    }

    /// <summary>The platform answers the notice letter at its reply address, through the signed mail gateway; returns the reply's id.</summary>
    private async Task<Guid> PlatformReplyAsync(Guid reportId, string subject, string body)
    {
        var to = factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(reportId);
        var raw = Encoding.UTF8.GetBytes(
            $"From: Meldingen <{PortalFactory.MailPlatformAddress}>\r\nTo: {to}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/mail") { Content = new ByteArrayContent(raw) };
        // Signed at the host's (manual) clock: the signature's timestamp must lie within five minutes of it.
        foreach (var (name, value) in WebhookSigner.Headers(
            [WebhookSecret.Parse(PortalFactory.InboundMailSecret)], "msg_" + Guid.NewGuid().ToString("N"), factory.Clock.GetUtcNow(), raw))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await factory.NewClient().SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var received = await response.Content.ReadFromJsonAsync<JsonElement>();
        received.GetProperty("matched").GetBoolean().ShouldBeTrue();
        return received.GetProperty("replyId").GetGuid();
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"ShownSha256\" value=\"([0-9a-f]{64})\"")]
    private static partial System.Text.RegularExpressions.Regex ShownComplaintSha();

    private static Guid CaseIdOf(string casePath) => Guid.Parse(casePath[^36..]);

    private static Guid ReportIdOf(string caseHtml) => Guid.Parse(NoticeLink().Match(caseHtml).Value[^36..]);

    private sealed record StoredEventRow(string? Actor, string? Causation, JsonElement Data);

    private async Task<StoredEventRow> EventAsync(Guid streamId, string type) => (await EventsAsync(streamId, type)).ShouldHaveSingleItem();

    private async Task<List<StoredEventRow>> EventsAsync(Guid streamId, string type)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT headers->>'actor', causation_id, data::text FROM takedown_events.mt_events WHERE stream_id = $1 AND type = $2 ORDER BY version", connection)
        {
            Parameters = { new NpgsqlParameter { Value = streamId }, new NpgsqlParameter { Value = type } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredEventRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredEventRow(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }
        return rows;
    }

    private async Task<string?> StatusAsync(Guid reportId) =>
        await ScalarAsync("SELECT status FROM takedown.request_overview WHERE id = $1", reportId) as string;

    private async Task<long> CountAsync(string sql, object value) => (long)(await ScalarAsync(sql, value))!;

    private async Task<object?> ScalarAsync(string sql, object value)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = value } } };
        return await command.ExecuteScalarAsync();
    }

    private static async Task Eventually(Func<Task<bool>> probe)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await probe())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The expected state was not reached within 30 s.");
            }
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/melding/[0-9a-f-]{36}")]
    private static partial Regex NoticeLink();

    [GeneratedRegex(@"SHA-256 ([0-9a-f]{64})")]
    private static partial Regex Sha();
}
