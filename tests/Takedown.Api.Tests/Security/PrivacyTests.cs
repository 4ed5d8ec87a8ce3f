using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.Testing;
using Takedown.Api.Operator;
using Takedown.Api.Tests.Portal;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Application.PlatformReports;
using Takedown.Application.Privacy;
using Takedown.Application.Replies;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Application.Sealing;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Tests.Security;

public sealed class PrivacyTests(PrivacyTests.PrivacyFactory factory) : IClassFixture<PrivacyTests.PrivacyFactory>
{
    /// <summary>
    /// The API host receiving a platform's signed status updates. They wait in the inbox until a test applies them, so
    /// one can still be waiting there when its case is erased; as a host that only receives, it seals them right away.
    /// </summary>
    public sealed class PrivacyFactory : ApiFactory
    {
        public const string PlatformSecret = "whsec_i3fBFaifAX5S6XX3ejB8zTAm6xar3VL1";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Webhooks:Incoming:sandbox:Platform", "Sandbox");
            builder.UseSetting("Webhooks:Incoming:sandbox:Secrets:0", PlatformSecret);
            builder.UseSetting("Webhooks:Inbox:Apply", "false");
            builder.UseSetting("Webhooks:Inbox:SealAfter", "00:00:00");
        }
    }

    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Erasing_a_case_leaves_no_plaintext_of_its_personal_data_in_any_table_and_no_log_ever_held_it()
    {
        var pii = new Pii("Marieke Vindbaar-Testpersoon", "marieke.vindbaar@slachtoffer.example", "Kerkstraat 12 Vindbaarstad",
            "06-98765432", "https://doxx.example/marieke-vindbaar", "https://social.example/posts/vindbaar-adres",
            "Hij stond weer een uur bij de Vindbaar-voordeur te wachten", "vindbaar-voordeur-foto");

        // The victim signs in to the portal, starts the takedown there (erasure request and platform report),
        // approves the letter, which goes out over SMTP, and keeps a diary with an attachment.
        var victim = new PortalClient(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), factory.Smtp);
        await victim.SignInAsync(pii.Email);
        // Another victim's case, which the erasure must leave readable.
        var other = new PortalClient(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), factory.Smtp);
        await other.SignInAsync("anna.blijft@slachtoffer.example");
        var otherPath = await other.StartTakedownAsync(
        [
            new("Name", "Anna Blijftleesbaar"), new("Email", "anna.blijft@slachtoffer.example"), new("What", "other"),
            new("OtherWhat", "Blijfstraat 3"), new("Urls", "https://doxx.example/anna-blijft"), new("Erasure", "true"),
            new("ControllerName", "Voorbeeld Mensenzoeker B.V."), new("ControllerEmail", "privacy@mensenzoeker.example"),
            new("ControllerCountry", "NL"),
        ]);
        var otherCaseId = Guid.Parse(otherPath["/zaak/".Length..]);

        var casePath = await victim.StartTakedownAsync(
        [
            new("Name", pii.Name), new("Email", pii.Email), new("What", "other"), new("OtherWhat", $"{pii.Address}, {pii.Phone}"),
            new("Urls", $"{pii.Url}\n{pii.SecondUrl}"), new("Erasure", "true"), new("ControllerName", "Voorbeeld Mensenzoeker B.V."),
            new("ControllerEmail", "privacy@mensenzoeker.example"), new("ControllerCountry", "NL"), new("Report", "true"),
            new("Platform", "Sandbox"), new("Category", "Doxing"), new("GoodFaith", "true"),
        ]);
        var caseId = Guid.Parse(casePath["/zaak/".Length..]);
        var (requestId, reportId) = await RequestsOfAsync(caseId);
        await victim.ApproveLetterAsync(await victim.LetterPathAsync(casePath));
        await WaitForAsync(async () => await ErasureStatusAsync(requestId) == ErasureRequestStatus.Sent, "the letter was not sent");
        factory.Smtp.ReceivedFor("privacy@mensenzoeker.example").ShouldNotBeEmpty();
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await victim.AddDiaryEntryAsync(casePath, yesterday, pii.Address, pii.Diary!, pii.Name, ($"{pii.FileName}.pdf", AttachmentOf(pii)));
        await victim.AddDiaryEntryAsync(casePath, yesterday, "Instagram", $"Nieuw bericht met {pii.Phone} erin.", "");

        // The controller replies to the request's own address, quoting the letter. It is kept sealed with the case's
        // key, under the SHA-256 of the message as received.
        var replyMessage = Encoding.UTF8.GetBytes(
            $"From: Privacy <privacy@mensenzoeker.example>\r\nTo: {factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId)}\r\n" +
            "Subject: Re: Verzoek tot verwijdering\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            $"Geachte {pii.Name},\r\n\r\nWij verwijderen {pii.Address} en {pii.Phone} binnen een week.\r\n");
        var reply = await PostSignedAsync("/inbound/mail", replyMessage, ApiFactory.InboundSecret);
        reply.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var replyBody = await reply.Content.ReadFromJsonAsync<JsonElement>();
        replyBody.GetProperty("matched").GetBoolean().ShouldBeTrue();
        var replyId = replyBody.GetProperty("replyId").GetGuid();
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1 AND sealed_for = $2 AND sha256 = $3",
            replyId, caseId, Convert.ToHexStringLower(SHA256.HashData(replyMessage)))).ShouldBe(1);
        var operatorView = await factory.Services.GetRequiredService<ReplyReview>().DetailAsync(replyId, CancellationToken.None);
        operatorView!.BodyText.ShouldContain(pii.Address, Shouldly.Case.Sensitive, "an operator still reads the reply");

        // The platform files the report, refuses it with reasons quoting the content (applied), and sends one more
        // update that is still waiting in the inbox when the case is erased.
        var ticket = await FileReportAsync(reportId);
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        // This host only receives, so it seals what it received; the processor opens the sealed body to apply it.
        (await PostStatusAsync(ticket, "REFUSED", $"Geen overtreding gevonden op {pii.SecondUrl}.")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WaitForAsync(async () => await WaitingSealedForAsync(reportId) == caseId, "the received update was not sealed");
        (await factory.Services.GetRequiredService<PlatformStatusWebhooks>().ApplyPendingAsync(10, CancellationToken.None)).ShouldBe(1);
        (await store.FetchStreamAsync(reportId)).Select(e => e.Data).OfType<ContentRemovalRefused>().Single().StatementOfReasons
            .ShouldContain(pii.SecondUrl);
        (await PostStatusAsync(ticket, "UNDER_REVIEW", $"Opnieuw bekeken op verzoek van {pii.Name}.")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WaitForAsync(async () => await WaitingSealedForAsync(reportId) == caseId, "the waiting update was not sealed");

        // Before erasure the events, the attachments, the raw reply and the waiting update hold none of it in the clear.
        foreach (var text in pii.All)
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text, "mt_events", "portal_diary_attachments", "inbound_mail", "webhook_inbox"))
                .ShouldBeEmpty($"'{text}' is in the clear before the erasure");
        }
        var eventsBefore = await CountEventsAsync();

        // A copy of the case's reply and inbox rows, as a restored table or a row the erasure missed would hold them.
        await using var copy = new NpgsqlConnection(factory.ConnectionString);
        await copy.OpenAsync();
        await ExecuteAsync(copy, "CREATE TEMP TABLE kept_mail AS SELECT * FROM takedown.inbound_mail WHERE request_id = $1", requestId);
        await ExecuteAsync(copy, "CREATE TEMP TABLE kept_inbox AS SELECT * FROM takedown.webhook_inbox WHERE report_id = $1", reportId);

        var deleted = await victim.DeleteCaseAsync(casePath);
        deleted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        deleted.Headers.Location!.ToString().ShouldBe("/verwijderd");

        foreach (var text in pii.All)
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text)).ShouldBeEmpty($"'{text}' survived the erasure");
        }
        // A backup taken now: pg_dump of the whole database (Marten's events, our tables, the outbox) holds none of it.
        var dump = await PgDump.DumpAsync(factory.ConnectionString);
        dump.Length.ShouldBeGreaterThan(10_000, "the dump holds the database");
        foreach (var text in pii.All)
        {
            dump.ShouldNotContain(text, Shouldly.Case.Insensitive, $"'{text}' is in a dump taken after the erasure");
        }
        // The other victim's case still reads back.
        (await store.FetchStreamAsync(otherCaseId)).Select(e => e.Data).OfType<VictimDetailsRecorded>().Single().Name.ShouldBe("Anna Blijftleesbaar");

        // The rows put back after the erasure: the case's key is destroyed, so they hold nothing anyone can read. The
        // operator's reply page finds nothing to show and the waiting update is taken as unreadable.
        await ExecuteAsync(copy, "INSERT INTO takedown.inbound_mail SELECT * FROM kept_mail");
        await ExecuteAsync(copy, "INSERT INTO takedown.webhook_inbox SELECT * FROM kept_inbox");
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE request_id = $1", requestId)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.webhook_inbox WHERE report_id = $1 AND outcome = 'pending' AND body IS NOT NULL", reportId))
            .ShouldBe(1);
        foreach (var text in pii.All)
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text)).ShouldBeEmpty($"'{text}' is readable in a surviving row");
        }
        (await factory.Services.GetRequiredService<ReplyReview>().DetailAsync(replyId, CancellationToken.None)).ShouldBeNull();
        (await factory.Services.GetRequiredService<PlatformStatusWebhooks>().ApplyPendingAsync(10, CancellationToken.None)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.webhook_inbox WHERE report_id = $1 AND outcome = 'ignored' AND body IS NULL", reportId))
            .ShouldBe(1);
        await ExecuteAsync(copy, "DELETE FROM takedown.inbound_mail WHERE id IN (SELECT id FROM kept_mail)");
        await ExecuteAsync(copy, "DELETE FROM takedown.webhook_inbox WHERE (integration, webhook_id) IN (SELECT integration, webhook_id FROM kept_inbox)");

        (await CountEventsAsync()).ShouldBe(eventsBefore + 1, "the history stays; only the deletion is added");
        var deletion = (await store.FetchStreamAsync(caseId))[^1];
        deletion.Data.ShouldBeOfType<CaseDeletedByVictim>();
        deletion.Actor().ShouldStartWith("victim:", Shouldly.Case.Sensitive, "the erasure names who asked, by role and id");
        (await victim.Http.GetAsync(casePath)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await victim.Http.GetAsync(casePath + "/gegevens/json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await victim.PostFormAsync("/mijn-zaken", [], casePath + "/verwijderen")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldNotContain(caseId.ToString());
        (await ScheduledMessagesForAsync(requestId)).ShouldBe(0, "no deadline check is kept for an erased case");
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
        var (caseId, requestId) = await RunPartnerFlowAsync(pii);
        var replyMessage = Encoding.UTF8.GetBytes(
            $"From: Privacy <privacy@mensenzoeker.example>\r\nTo: {factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId)}\r\n" +
            "Subject: Re: Uw verzoek\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            $"Wij hebben {pii.Address} gewist (antwoord-voor-export).\r\n");
        (await PostSignedAsync("/inbound/mail", replyMessage, ApiFactory.InboundSecret)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

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
        // The controller's reply as received: decoded, and whole, so the victim can check it against its hash.
        var exportedReply = document.GetProperty("replies").EnumerateArray().ShouldHaveSingleItem();
        exportedReply.GetProperty("streamId").GetGuid().ShouldBe(requestId);
        exportedReply.GetProperty("text").GetString()!.ShouldContain("antwoord-voor-export");
        exportedReply.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(replyMessage)));
        Convert.FromBase64String(exportedReply.GetProperty("messageBase64").GetString()!).ShouldBe(replyMessage);

        var pdf = await _partner.GetAsync($"/api/v1/cases/{caseId}/export.pdf");
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await pdf.Content.ReadAsByteArrayAsync())[..4].ShouldBe("%PDF"u8.ToArray());

        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);
        (await other.GetAsync($"/api/v1/cases/{caseId}/export")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/cases/{caseId}/export.pdf")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.ClientFor(ApiFactory.ReadOnlyKey).DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _partner.GetAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.OK, "nobody else could erase it");

        (await _partner.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _partner.GetAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.GetAsync($"/api/v1/cases/{caseId}/export")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.DeleteAsync($"/api/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Closed_cases_past_their_retention_are_erased_and_open_ones_are_kept()
    {
        var closed = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "retention.closed@slachtoffer.example");
        var open = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "retention.open@slachtoffer.example");
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "system")))
        {
            session.Events.Append(closed, new CaseClosed(closed, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var sweep = new RetentionSweep(
            factory.Services.GetRequiredService<CaseErasure>(), factory.Services.GetRequiredService<NpgsqlDataSource>(),
            factory.Services.GetRequiredService<DatabaseOptions>(), Options.Create(new PrivacySettings { RetentionAfterClose = TimeSpan.Zero }), TimeProvider.System,
            NullLogger<RetentionSweep>.Instance);

        (await sweep.SweepAsync()).ShouldBeGreaterThanOrEqualTo(1);

        (await _partner.GetAsync($"/api/v1/cases/{closed}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _partner.GetAsync($"/api/v1/cases/{open}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, "retention.closed@slachtoffer.example")).ShouldBeEmpty();
        var details = (await store.FetchStreamAsync(closed)).Select(e => e.Data).OfType<VictimDetailsRecorded>().Single();
        details.Email.ShouldBe(PersonalDataProtection.Erased);
        (await store.FetchStreamAsync(closed)).Select(e => e.Data).Last().ShouldBeOfType<CaseDeletedByVictim>();
    }

    [Fact]
    public async Task Replies_and_waiting_updates_stored_in_plaintext_before_sealing_are_sealed_by_the_start_up_passes_and_still_read_and_retried()
    {
        var pii = new Pii("Oud Bericht Testpersoon", "oud.bericht@slachtoffer.example", "Oudestraat 9 Oudedorp", "06-44455566",
            "https://doxx.example/oud-bericht", "https://social.example/oud-bericht");
        var (caseId, requestId) = await RunPartnerFlowAsync(pii);
        var (_, reportId) = await RequestsOfAsync(caseId);
        var ticket = await FileReportAsync(reportId);
        var (erasedCase, erasedRequest) = await RunPartnerFlowAsync(new Pii("Gewist Oud Testpersoon", "gewist.oud@slachtoffer.example",
            "Wegstraat 1 Nergens", "06-77788899", "https://doxx.example/gewist-oud", "https://social.example/gewist-oud"));
        (await _partner.DeleteAsync($"/api/v1/cases/{erasedCase}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // Rows as they were stored before sealing: the message and the body as received, sealed_for NULL.
        var now = DateTimeOffset.UtcNow;
        var matched = await InsertPlaintextReplyAsync(requestId, now, $"Wij verwijderen {pii.Address} van {pii.Name}.");
        var unmatched = await InsertPlaintextReplyAsync(null, now, $"Een onbekende afzender noemt {pii.Phone}.");
        var ofErasedCase = await InsertPlaintextReplyAsync(erasedRequest, now, "Een antwoord voor een gewiste zaak.");
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, """
                INSERT INTO takedown.webhook_inbox (integration, webhook_id, received_at, next_attempt_at, outcome, report_id, body, attempts, last_error)
                VALUES ('sandbox', $1, now(), now(), 'failed', $2, $3, 8, 'PostgresException')
                """, webhookId, reportId, StatusBody(ticket, "REFUSED", $"Geen overtreding op {pii.SecondUrl}."));
        }
        foreach (var text in new[] { pii.Address, pii.Phone, pii.SecondUrl })
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text, "inbound_mail", "webhook_inbox")).ShouldNotBeEmpty("the rows start in plaintext");
        }

        // The passes every host runs at start-up (the receiving host's own sealing may take the inbox row first).
        (await factory.Services.GetRequiredService<ReplySealing>().SealPlaintextAsync(CancellationToken.None)).ShouldBe(3);
        var webhooks = factory.Services.GetRequiredService<PlatformStatusWebhooks>();
        (await webhooks.SealWaitingAsync(DateTimeOffset.UtcNow)).ShouldBeLessThanOrEqualTo(1);

        foreach (var text in pii.All)
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text, "inbound_mail", "webhook_inbox")).ShouldBeEmpty($"'{text}' is still in the clear");
        }
        (await ScalarAsync<Guid?>("SELECT sealed_for FROM takedown.inbound_mail WHERE id = $1", matched)).ShouldBe(caseId);
        var receivedAt = await ScalarAsync<DateTime>("SELECT received_at FROM takedown.inbound_mail WHERE id = $1", unmatched);
        (await ScalarAsync<Guid?>("SELECT sealed_for FROM takedown.inbound_mail WHERE id = $1", unmatched)).ShouldBe(UnmatchedMail.KeySubject(receivedAt));
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1", ofErasedCase)).ShouldBe(0, "its case's key is destroyed");
        (await ScalarAsync<Guid?>("SELECT sealed_for FROM takedown.webhook_inbox WHERE webhook_id = $1", webhookId)).ShouldBe(caseId);

        // Operators, the export and the inbox processor read them as before.
        var replies = factory.Services.GetRequiredService<ReplyReview>();
        (await replies.DetailAsync(matched, CancellationToken.None))!.BodyText.ShouldContain(pii.Address);
        (await replies.DetailAsync(unmatched, CancellationToken.None))!.BodyText.ShouldContain(pii.Phone);
        var export = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}/export");
        export.GetProperty("replies").EnumerateArray().ShouldHaveSingleItem().GetProperty("text").GetString()!.ShouldContain(pii.Address);
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            (await webhooks.RetryFailedAsync(connection, transaction, "sandbox", webhookId, CancellationToken.None)).ShouldBe(reportId);
            await transaction.CommitAsync();
        }
        (await webhooks.ApplyPendingAsync(10, CancellationToken.None)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = $1 AND outcome = 'applied' AND body IS NULL", webhookId))
            .ShouldBe(1);
        (await factory.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(reportId)).Select(e => e.Data)
            .OfType<ContentRemovalRefused>().Single().StatementOfReasons.ShouldContain(pii.SecondUrl);
    }

    /// <summary>A reply row as stored before replies were sealed.</summary>
    private async Task<Guid> InsertPlaintextReplyAsync(Guid? requestId, DateTimeOffset receivedAt, string text)
    {
        var id = Guid.CreateVersion7();
        var raw = Encoding.UTF8.GetBytes(
            $"From: Privacy <privacy@mensenzoeker.example>\r\nTo: replies@takedown.example\r\nSubject: Re: Verzoek\r\n" +
            $"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n");
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, """
            INSERT INTO takedown.inbound_mail (id, request_id, raw, sha256, proposed_meaning, confidence, received_at)
            VALUES ($1, $2, $3, $4, 'Unknown', 0.5, $5)
            """, id, (object?)requestId ?? DBNull.Value, raw, Convert.ToHexStringLower(SHA256.HashData(raw)), receivedAt);
        return id;
    }

    /// <summary>Approves and files the report with the platform, as the worker would; returns the platform's ticket.</summary>
    private async Task<string> FileReportAsync(Guid reportId)
    {
        var ticket = "T-" + Guid.NewGuid().ToString("N");
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        foreach (var command in new object[]
        {
            new ApprovePlatformReport(reportId, "victim:test", "notice-sha", "notice-sha", true, DateTimeOffset.UtcNow),
            new FilePlatformReport(reportId, ticket, DateTimeOffset.UtcNow),
        })
        {
            await using var session = factory.Services.GetRequiredService<IDocumentStore>().LightweightSession(new EventMetadata(Actor: "system"));
            await session.DecideAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(command, state, engine));
            await session.SaveChangesAsync();
        }
        return ticket;
    }

    /// <summary>A partner opens a case and drafts an erasure request and a platform report for it.</summary>
    private async Task<(Guid CaseId, Guid RequestId)> RunPartnerFlowAsync(Pii pii)
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
        return (caseId, requestId);
    }

    /// <summary>The case's erasure request and platform report, from the read model.</summary>
    private async Task<(Guid Erasure, Guid Report)> RequestsOfAsync(Guid caseId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind, id FROM takedown.request_overview WHERE case_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        var ids = new Dictionary<string, Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids[reader.GetString(0)] = reader.GetGuid(1);
        }
        return (ids["erasure"], ids["platform"]);
    }

    private async Task<ErasureRequestStatus> ErasureStatusAsync(Guid requestId) =>
        (await factory.Services.GetRequiredService<IDocumentStore>()
            .AggregateStreamAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve)).State.Status;

    /// <summary>Waits up to 30 s for the in-process worker.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, because);
            await Task.Delay(100);
        }
    }

    /// <summary>A PDF (as far as its first bytes go) holding the address and phone number in the clear.</summary>
    private static byte[] AttachmentOf(Pii pii) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {pii.Address} {pii.Phone} {pii.Url}\n%%EOF\n");

    private async Task<HttpResponseMessage> PostSignedAsync(string path, byte[] body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in WebhookSigner.Headers([WebhookSecret.Parse(secret)], "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await factory.CreateClient().SendAsync(request);
    }

    private Task<HttpResponseMessage> PostStatusAsync(string ticket, string status, string reasons) =>
        PostSignedAsync("/webhooks/sandbox", StatusBody(ticket, status, reasons), PrivacyFactory.PlatformSecret);

    private static byte[] StatusBody(string ticket, string status, string reasons) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "notice.status_changed",
        timestamp = DateTimeOffset.UtcNow,
        data = new { ticketId = ticket, status, statementOfReasons = reasons, updatedAt = DateTimeOffset.UtcNow },
    });

    /// <summary>The case a waiting update of the report is sealed for (null: none waits, or it waits in plaintext).</summary>
    private Task<Guid?> WaitingSealedForAsync(Guid reportId) => ScalarAsync<Guid?>(
        "SELECT max(sealed_for::text)::uuid FROM takedown.webhook_inbox WHERE report_id = $1 AND outcome = 'pending' AND body IS NOT NULL", reportId);

    private async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default! : (T)result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown_events.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> ScheduledMessagesForAsync(Guid requestId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown.messages WHERE body->>'requestId' = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId.ToString() });
        return (long)(await command.ExecuteScalarAsync())! + await WolverineSchedule.CountNamingAsync(factory.ConnectionString, requestId);
    }

    /// <summary>The test's personal data; <see cref="Diary"/> and <see cref="FileName"/> only where the victim kept a diary.</summary>
    private sealed record Pii(
        string Name, string Email, string Address, string Phone, string Url, string SecondUrl, string? Diary = null, string? FileName = null)
    {
        public IEnumerable<string> All => new[] { Name, Email, Address, Phone, Url, SecondUrl, Diary, FileName }.OfType<string>();
    }
}
