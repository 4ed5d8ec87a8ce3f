using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Takedown.Application.Letters;
using Takedown.Application.Privacy;
using Takedown.Application.Replies;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Replies;
using Takedown.Messaging;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Tests.Replies;

/// <summary>Replies come in signed and raw, are matched by their reply address, proposed, and confirmed by an operator.</summary>
public sealed class RepliesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Extension_reply_within_the_first_month_is_proposed_and_once_confirmed_moves_the_deadline()
    {
        var requestId = await SentRequest("ext");
        var before = await Request(requestId);
        var replyTo = factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId);

        var response = await PostSigned(Mail(replyTo, "Re: Verzoek tot verwijdering",
            "Geachte heer/mevrouw,\n\nWij verlengen de termijn met twee maanden vanwege het aantal verzoeken.\n"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("matched").GetBoolean().ShouldBeTrue();
        body.GetProperty("proposedMeaning").GetString().ShouldBe("Extension");
        var replyId = body.GetProperty("replyId").GetGuid();
        (await Request(requestId)).Extended.ShouldBeFalse();

        await Confirm(requestId, replyId, ReplyMeaning.Extension, new ReplyDetails(Text: "Veel verzoeken"));

        var after = await Request(requestId);
        after.Extended.ShouldBeTrue();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        after.AnswerDeadline(engine)!.DueDate.ShouldBeGreaterThan(before.AnswerDeadline(engine)!.DueDate.AddMonths(1));
        (await Scalar("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1 AND request_id IS NOT NULL", replyId)).ShouldBe(1L);
    }

    [Theory]
    [InlineData("Complied", "Onze samenvatting van het antwoord: Reply B.V. laat weten dat de gegevens zijn gewist.")]
    [InlineData("Refused", "Onze samenvatting van het antwoord: Reply B.V. weigert de gegevens te wissen. U kunt daarover een klacht indienen bij de Autoriteit Persoonsgegevens")]
    public async Task An_answer_an_operator_confirms_on_the_reply_page_reaches_the_victim_as_the_answered_notice(string outcome, string summary)
    {
        var tag = "answered-" + outcome.ToLowerInvariant();
        var requestId = await SentRequest(tag);
        var replyTo = factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId);
        var received = await PostSigned(Mail(replyTo, "Re: Verzoek om gegevenswissing", "Wij hebben uw verzoek behandeld."));
        var replyId = (await received.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replyId").GetGuid();
        var operatorClient = await SignedInOperatorAsync();

        var page = await operatorClient.GetStringAsync($"/operator/replies/{replyId}");
        var confirmed = await operatorClient.PostAsync($"/operator/replies/{replyId}", new FormUrlEncodedContent(
        [
            new("decision", "Answered"), new("outcome", outcome), new("text", "Gegevens op https://reply.example/p/1 behandeld."),
            new("__RequestVerificationToken", Portal.PortalClient.Token(page)),
        ]));

        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        confirmed.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/operator/replies");
        (await Request(requestId)).Outcome.ShouldBe(Enum.Parse<ErasureOutcome>(outcome));
        var victim = $"{tag}@slachtoffer.example";
        var until = DateTime.UtcNow.AddSeconds(30);
        string? notice = null;
        while (notice is null)
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the answered notice did not arrive");
            notice = factory.Smtp.ReceivedFor(victim).Select(m => Portal.PortalFactory.DecodeQuotedPrintable(Encoding.UTF8.GetString(m.Raw)))
                .FirstOrDefault(text => text.Contains("Onze samenvatting van het antwoord", StringComparison.Ordinal));
            await Task.Delay(100);
        }
        notice.ShouldContain(summary);
        notice.ShouldContain("Reply B.V. heeft op ");
        // The notice leaves out the data and links: an abuser may read the victim's mailbox.
        notice.ShouldNotContain("https://reply.example");
        (await Scalar("SELECT count(*) FROM takedown.letter_overview WHERE request_id = $1 AND kind = 'VictimNoticeAnswered' AND status = 'Sent'", requestId)).ShouldBe(1L);
    }

    [Fact]
    public async Task A_bounce_once_confirmed_flags_the_controller_address()
    {
        var requestId = await SentRequest("bounce");
        var replyTo = factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId);
        var bounce = $"From: MAILER-DAEMON@mx.controller.example\r\nTo: {replyTo}\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n" +
            "This is the mail system. Your message could not be delivered: user unknown.\r\n--b1--\r\n";

        var response = await PostSigned(Encoding.UTF8.GetBytes(bounce));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("proposedMeaning").GetString().ShouldBe("Bounce");
        await Confirm(requestId, body.GetProperty("replyId").GetGuid(), ReplyMeaning.Bounce, new ReplyDetails());
        (await Request(requestId)).AddressBounced.ShouldBeTrue();
    }

    [Fact]
    public async Task Unsigned_or_tampered_mail_is_refused_and_nothing_is_stored()
    {
        var before = await Scalar("SELECT count(*) FROM takedown.inbound_mail", Guid.Empty);
        var raw = Mail("replies+x@takedown.example", "Hallo", "tekst");

        var unsigned = await factory.CreateClient().PostAsync("/inbound/mail", new ByteArrayContent(raw));
        using var tampered = Signed(raw);
        tampered.Content = new ByteArrayContent([.. raw, (byte)'!']);
        var tamperedResponse = await factory.CreateClient().SendAsync(tampered);

        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        tamperedResponse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Scalar("SELECT count(*) FROM takedown.inbound_mail", Guid.Empty)).ShouldBe(before);
    }

    [Fact]
    public async Task Mail_to_a_forged_reply_address_is_kept_but_matched_to_nothing()
    {
        var requestId = await SentRequest("forged");
        var forged = $"replies+{requestId:N}.0000000000000000@takedown.example";

        var response = await PostSigned(Mail(forged, "Re: verzoek", "Wij hebben de gegevens verwijderd."));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("matched").GetBoolean().ShouldBeFalse();
        (await Request(requestId)).Replies.ShouldBeNull();
    }

    [Fact]
    public async Task Mail_matched_to_no_case_is_sealed_under_its_months_key_and_deleted_once_dismissed_or_past_retention_and_the_months_key_then_destroyed()
    {
        var marker = "ongevraagd-" + Guid.NewGuid().ToString("N")[..8];
        var dismissed = await UnmatchedAsync($"Een vraag over {marker}.");
        var kept = await UnmatchedAsync($"Nog een vraag over {marker}.");

        // Sealed under the key of the month it arrived in: no plaintext in the table, readable on the reply's page.
        var receivedAt = await ScalarAsync<DateTime>("SELECT received_at FROM takedown.inbound_mail WHERE id = $1", dismissed);
        (await ScalarAsync<Guid>("SELECT sealed_for FROM takedown.inbound_mail WHERE id = $1", dismissed)).ShouldBe(UnmatchedMail.KeySubject(receivedAt));
        (await Security.DatabaseScan.TablesContainingAsync(factory.ConnectionString, marker)).ShouldBeEmpty();
        var operatorClient = await SignedInOperatorAsync();
        var page = await operatorClient.GetStringAsync($"/operator/replies/{dismissed}");
        page.ShouldContain(marker);

        // Dismissed by an operator: deleted, with the audit event naming only its id.
        var confirmed = await operatorClient.PostAsync($"/operator/replies/{dismissed}", new FormUrlEncodedContent(
            [new("decision", "Dismiss"), new("__RequestVerificationToken", Portal.PortalClient.Token(page))]));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        confirmed.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/operator/replies");
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1", dismissed)).ShouldBe(0);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1", kept)).ShouldBe(1);
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        (await store.FetchStreamAsync(Api.Operator.OperatorAudit.StreamOf(ApiFactory.OperatorId)))
            .ShouldContain(e => e.Data is Domain.Operators.OperatorActionRecorded && ((Domain.Operators.OperatorActionRecorded)e.Data).SubjectId == dismissed);

        // Mail that arrived in January 2020 and was never looked at: past retention, deleted, and its month's key
        // destroyed; the current month's key stays for the mail still kept.
        var old = Guid.CreateVersion7();
        var oldReceivedAt = new DateTimeOffset(2020, 1, 15, 12, 0, 0, TimeSpan.Zero);
        var raw = Mail("info@takedown.example", "Oud", $"Een oude vraag over {marker}.");
        var sealedOld = (await factory.Services.GetRequiredService<ReplySealing>().SealAsync(old, null, oldReceivedAt, raw, default))!.Value;
        await ScalarAsync<long>("""
            WITH ins AS (
                INSERT INTO takedown.inbound_mail (id, raw, sealed_for, sha256, proposed_meaning, confidence, received_at)
                VALUES ($1, $2, $3, 'sha', 'Unknown', 0.5, $4) RETURNING 1)
            SELECT count(*) FROM ins
            """, old, sealedOld.Sealed, sealedOld.SealedFor, oldReceivedAt);
        var sweep = new RetentionSweep(
            factory.Services.GetRequiredService<CaseErasure>(), factory.Services.GetRequiredService<NpgsqlDataSource>(), factory.Services.GetRequiredService<DatabaseOptions>(),
            Options.Create(new PrivacySettings()), TimeProvider.System, NullLogger<RetentionSweep>.Instance);

        var (deleted, keysDestroyed) = await sweep.SweepUnmatchedMailAsync();

        deleted.ShouldBe(1);
        keysDestroyed.ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1", old)).ShouldBe(0);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.inbound_mail WHERE id = $1", kept)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.encryption_keys WHERE subject_id = $1 AND key IS NULL", UnmatchedMail.KeySubject(oldReceivedAt)))
            .ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM takedown.encryption_keys WHERE subject_id = $1 AND key IS NOT NULL", UnmatchedMail.KeySubject(receivedAt)))
            .ShouldBe(1);
        factory.Services.GetRequiredService<ReplySealing>().Open(old, sealedOld.SealedFor, null, sealedOld.Sealed).ShouldBeNull();
    }

    /// <summary>Mail to an address of the reply domain that no letter gave out.</summary>
    private async Task<Guid> UnmatchedAsync(string body)
    {
        var response = await PostSigned(Mail("info@takedown.example", "Vraag", body));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var received = await response.Content.ReadFromJsonAsync<JsonElement>();
        received.GetProperty("matched").GetBoolean().ShouldBeFalse();
        return received.GetProperty("replyId").GetGuid();
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Guid> SentRequest(string tag)
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: $"{tag}@slachtoffer.example");
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Reply B.V.",
            controllerEmail = $"{tag}@reply.example",
            controllerCountry = "NL",
            personalData = new[] { "woonadres" },
            urls = new[] { "https://reply.example/p/1" },
        });
        var id = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var sha = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{id}/letter")).GetProperty("contentSha256").GetString();
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{id}/approve", new { contentSha256 = sha })).EnsureSuccessStatusCode();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await Request(id)).Status != ErasureRequestStatus.Sent)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The request was not sent within 30 s.");
            }
            await Task.Delay(100);
        }
        return id;
    }

    /// <summary>An operator's browser session: the sign-in form posted with its anti-forgery token, the cookie kept.</summary>
    private async Task<HttpClient> SignedInOperatorAsync()
    {
        var client = factory.CreateClient();
        var form = await client.GetStringAsync("/operator/sign-in");
        var signedIn = await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(
        [
            new("operatorId", ApiFactory.OperatorId), new("password", ApiFactory.OperatorPassword), new("returnUrl", ""),
            new("__RequestVerificationToken", Portal.PortalClient.Token(form)),
        ]));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        signedIn.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/operator");
        return client;
    }

    private async Task<ErasureRequest> Request(Guid id) =>
        (await factory.Services.GetRequiredService<IDocumentStore>().AggregateStreamAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;

    private async Task Confirm(Guid requestId, Guid replyId, ReplyMeaning meaning, ReplyDetails details)
    {
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        using var scope = factory.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
        await using var session = store.LightweightSession(new EventMetadata(null, null, "operator:test"));
        session.Enlist(outbox);
        await factory.Services.GetRequiredService<ReplyConfirmation>().ConfirmAsync(session, outbox, requestId, replyId, meaning, "operator:test", details, default);
        await session.SaveChangesAsync();
    }

    private static byte[] Mail(string to, string subject, string body) => Encoding.UTF8.GetBytes(
        $"From: Privacy <privacy@controller.example>\r\nTo: {to}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}");

    private async Task<HttpResponseMessage> PostSigned(byte[] raw)
    {
        using var request = Signed(raw);
        return await factory.CreateClient().SendAsync(request);
    }

    private static HttpRequestMessage Signed(byte[] raw)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/mail") { Content = new ByteArrayContent(raw) };
        foreach (var (name, value) in WebhookSigner.Headers([WebhookSecret.Parse(ApiFactory.InboundSecret)], "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, raw))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    private async Task<long> Scalar(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("$1", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
