using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Letters.Sending;
using Takedown.Testing;

namespace Takedown.Letters.Tests;

/// <summary>Letters through MailKit to the real SMTP test server (aiosmtpd), read back with MimeKit's strict parser.</summary>
public class MailSenderTests(SmtpTestServer smtp) : IClassFixture<SmtpTestServer>
{
    private const string From = "letters@takedown.test";

    private MailSender Sender(int? port = null) => new(
        new MailOptions { Host = smtp.Host, Port = port ?? smtp.Port, TlsMode = MailTlsMode.None, FromAddress = From, Timeout = TimeSpan.FromSeconds(10) },
        TimeProvider.System);

    internal static OutgoingLetter Letter(string to, string language = "nl")
    {
        var composed = LetterComposer.Compose(Samples.Erasure(language));
        return new OutgoingLetter(Guid.NewGuid(), to, "Voorbeeld Forum B.V.", Samples.ReplyAddress, composed, LetterPdf.Render(composed), "verzoek-TD-2026-0042.pdf");
    }

    /// <summary>MimeKit's parser held to the RFCs rather than to what mail clients tolerate.</summary>
    internal static MimeMessage Strict(byte[] raw)
    {
        var options = ParserOptions.Default.Clone();
        options.AddressParserComplianceMode = RfcComplianceMode.Strict;
        options.ParameterComplianceMode = RfcComplianceMode.Strict;
        options.Rfc2047ComplianceMode = RfcComplianceMode.Strict;
        return MimeMessage.Load(options, new MemoryStream(raw));
    }

    [Fact]
    public async Task Received_message_has_the_headers_text_and_html_parts_the_pdf_and_the_stable_message_id()
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";
        var letter = Letter(to);

        var receipt = await Sender().SendLetterAsync(letter);

        var mail = smtp.ReceivedFor(to).ShouldHaveSingleItem();
        mail.MailFrom.ShouldBe(From);
        using var mime = Strict(mail.Raw);
        Encoding.ASCII.GetString(mail.Raw).ShouldContain($"\r\nMessage-ID: <{letter.LetterId:D}@takedown.test>\r\n");
        mime.MessageId.ShouldBe($"{letter.LetterId:D}@takedown.test");
        receipt.MessageId.ShouldBe($"<{mime.MessageId}>");
        receipt.ContentSha256.ShouldBe(letter.Letter.ContentSha256);
        receipt.ServerReply.ShouldStartWith("250 ");
        receipt.ServerReply.ShouldContain("queued as");
        mime.Subject.ShouldBe(letter.Letter.Subject);
        mime.From.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe(From);
        mime.To.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe(to);
        mime.To.Mailboxes.Single().Name.ShouldBe("Voorbeeld Forum B.V.");
        mime.ReplyTo.Mailboxes.ShouldHaveSingleItem().Address.ShouldBe(Samples.ReplyAddress);
        mime.Body!.Headers["Content-Language"].ShouldBe("nl");
        mime.Headers["X-Takedown-Content-SHA256"].ShouldBe(letter.Letter.ContentSha256);
        mime.Body!.ContentType.MimeType.ShouldBe("multipart/mixed");

        var alternative = ((Multipart)mime.Body).OfType<MultipartAlternative>().ShouldHaveSingleItem();
        var text = alternative.OfType<TextPart>().Single(p => p.IsPlain);
        var html = alternative.OfType<TextPart>().Single(p => p.IsHtml);
        text.ContentType.Charset.ShouldBe("utf-8");
        Lf(text.Text).ShouldBe(letter.Letter.PlainText);
        Lf(html.Text).ShouldBe(letter.Letter.Html);
        (letter.Letter with { PlainText = Lf(text.Text), Html = Lf(html.Text) }).HashMatches().ShouldBeTrue();

        var pdf = mime.Attachments.OfType<MimePart>().ShouldHaveSingleItem();
        pdf.ContentType.MimeType.ShouldBe("application/pdf");
        pdf.ContentDisposition!.Disposition.ShouldBe(ContentDisposition.Attachment);
        pdf.FileName.ShouldBe("verzoek-TD-2026-0042.pdf");
        using var decoded = new MemoryStream();
        await pdf.Content!.DecodeToAsync(decoded);
        decoded.ToArray().ShouldBe(letter.Pdf);
    }

    /// <summary>RFC 2045 6.7(4): a line break in the text is a line break in the encoding, never =0D=0A.</summary>
    [Fact]
    public async Task Text_parts_are_quoted_printable_with_real_CRLF_line_breaks()
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";
        var letter = Letter(to);

        await Sender().SendLetterAsync(letter);

        var raw = smtp.ReceivedFor(to).ShouldHaveSingleItem().Raw;
        using var mime = Strict(raw);
        foreach (var part in mime.BodyParts.OfType<TextPart>())
        {
            part.ContentTransferEncoding.ShouldBe(ContentEncoding.QuotedPrintable);
            using var encoded = new MemoryStream();
            await part.Content!.WriteToAsync(encoded);
            var body = Encoding.ASCII.GetString(encoded.ToArray());
            body.ShouldNotContain("=0D", Case.Insensitive);
            body.ShouldNotContain("=0A", Case.Insensitive);
            var lines = body.Split("\r\n");
            lines.Length.ShouldBeGreaterThan(10);
            lines.ShouldAllBe(line => !line.Contains('\r') && !line.Contains('\n') && line.Length <= 76);
            // The text's own lines are hard breaks: each one ends where the composer's line ended.
            var hardLines = body.Replace("=\r\n", "", StringComparison.Ordinal).Split("\r\n").Length;
            var source = part.IsPlain ? letter.Letter.PlainText : letter.Letter.Html;
            hardLines.ShouldBe(source.Split('\n').Length);
        }
        // The same holds in the bytes the server received, before any parser had a go at them.
        var text = Encoding.ASCII.GetString(raw);
        text.ShouldNotContain("=0D=0A", Case.Insensitive);
        text.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\n');
    }

    [Theory]
    [InlineData("tempfail-once")]
    [InlineData("tempfail-data-once")]
    public async Task Server_that_answers_4xx_then_250_gets_exactly_one_letter_with_the_same_message_id(string localPart)
    {
        var to = $"{localPart}@{Guid.NewGuid():N}.example";
        var letter = Letter(to, "en");
        var sender = Sender();

        var first = await Should.ThrowAsync<MailSendFailedException>(() => sender.SendLetterAsync(letter));
        smtp.ReceivedFor(to).ShouldBeEmpty();
        var receipt = await sender.SendLetterAsync(letter);

        first.IsTransient.ShouldBeTrue();
        first.StatusCode.ShouldBe(451);
        first.ServerReply.ShouldStartWith("451 ");
        first.Message.ShouldNotContain(to);
        var mail = smtp.ReceivedFor(to).ShouldHaveSingleItem();
        $"<{Strict(mail.Raw).MessageId}>".ShouldBe(receipt.MessageId);
        receipt.MessageId.ShouldBe(sender.MessageIdFor(letter.LetterId));
    }

    [Theory]
    [InlineData("reject", 550)]
    [InlineData("reject-data", 554)]
    public async Task Server_that_answers_5xx_leads_to_a_permanent_failure(string localPart, int status)
    {
        var to = $"{localPart}@{Guid.NewGuid():N}.example";

        var failure = await Should.ThrowAsync<MailSendFailedException>(() => Sender().SendLetterAsync(Letter(to)));

        failure.IsTransient.ShouldBeFalse();
        failure.StatusCode.ShouldBe(status);
        failure.ServerReply.ShouldStartWith($"{status} ");
        failure.Message.ShouldNotContain(to);
        smtp.ReceivedFor(to).ShouldBeEmpty();
    }

    [Fact]
    public async Task Nothing_listening_is_a_transient_failure()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var failure = await Should.ThrowAsync<MailSendFailedException>(() => Sender(port).SendLetterAsync(Letter("privacy@forum.example")));

        failure.IsTransient.ShouldBeTrue();
        failure.StatusCode.ShouldBeNull();
    }

    [Fact]
    public async Task A_relay_that_offers_no_STARTTLS_gets_nothing_and_the_failure_is_permanent()
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";
        var sender = new MailSender(new MailOptions { Host = smtp.Host, Port = smtp.Port, FromAddress = From, Timeout = TimeSpan.FromSeconds(10) }, TimeProvider.System);

        var failure = await Should.ThrowAsync<MailSendFailedException>(() => sender.SendLetterAsync(Letter(to)));

        failure.IsTransient.ShouldBeFalse();
        smtp.ReceivedFor(to).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pickup_directory_mode_writes_one_eml_per_letter_with_the_stable_message_id()
    {
        var folder = Path.Combine(Repository.NewTempFolder("pickup"), "mail");
        var sender = new MailSender(new MailOptions { FromAddress = From, PickupDirectory = folder }, TimeProvider.System);
        var letter = Letter("privacy@forum.example");

        var receipt = await sender.SendLetterAsync(letter);
        await sender.SendLetterAsync(letter);

        receipt.ServerReply.ShouldBe("written to pickup directory");
        var file = Directory.GetFiles(folder).ShouldHaveSingleItem();
        file.ShouldEndWith(".eml");
        var raw = await File.ReadAllBytesAsync(file);
        Encoding.ASCII.GetString(raw).Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\n');
        using var mime = Strict(raw);
        $"<{mime.MessageId}>".ShouldBe(receipt.MessageId);
        Lf(mime.TextBody!).ShouldBe(letter.Letter.PlainText);
        using var decoded = new MemoryStream();
        await ((MimePart)mime.Attachments.Single()).Content!.DecodeToAsync(decoded);
        decoded.ToArray().ShouldBe(letter.Pdf);
    }

    [Fact]
    public async Task A_notice_without_a_pdf_is_just_text_and_html()
    {
        var to = $"anna-{Guid.NewGuid():N}@mail.example";
        var composed = LetterComposer.Compose(Samples.NoticeSent("en"));

        await Sender().SendLetterAsync(new OutgoingLetter(Guid.NewGuid(), to, null, Samples.ReplyAddress, composed, null));

        using var mime = Strict(smtp.ReceivedFor(to).ShouldHaveSingleItem().Raw);
        mime.Body.ShouldBeOfType<MultipartAlternative>();
        mime.Attachments.ShouldBeEmpty();
        mime.To.Mailboxes.Single().Name.ShouldBeNullOrEmpty();
        Lf(mime.TextBody!).ShouldBe(composed.PlainText);
    }

    internal static string Lf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
