using System.Net;
using System.Net.Sockets;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Letters.Sending;
using Takedown.Testing;

namespace Takedown.Letters.Tests;

public class SmtpLetterSenderTests(SmtpTestServer smtp) : IClassFixture<SmtpTestServer>
{
    private const string From = "letters@takedown.test";

    private SmtpLetterSender Sender(int? port = null) => new(
        new SmtpLetterOptions { Host = smtp.Host, Port = port ?? smtp.Port, EnableStartTls = false, FromAddress = From, Timeout = TimeSpan.FromSeconds(10) },
        TimeProvider.System);

    private static OutgoingLetter Letter(string to, string language = "nl")
    {
        var composed = LetterComposer.Compose(Samples.Erasure(language));
        return new OutgoingLetter(Guid.NewGuid(), to, "Voorbeeld Forum B.V.", Samples.ReplyAddress, composed, LetterPdf.Render(composed), "verzoek-TD-2026-0042.pdf");
    }

    [Fact]
    public async Task Received_message_has_the_headers_text_and_html_parts_the_pdf_and_the_stable_message_id()
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";
        var letter = Letter(to);

        var receipt = await Sender().SendAsync(letter);

        var mail = smtp.ReceivedFor(to).ShouldHaveSingleItem();
        mail.MailFrom.ShouldBe(From);
        var mime = MimeEntity.Parse(mail.Raw);
        mime.Header("Message-ID").ShouldBe($"<{letter.LetterId:D}@takedown.test>");
        receipt.MessageId.ShouldBe(mime.Header("Message-ID"));
        receipt.ContentSha256.ShouldBe(letter.Letter.ContentSha256);
        receipt.ServerReply.ShouldStartWith("250");
        mime.Header("Subject").ShouldBe(letter.Letter.Subject);
        mime.Header("From")!.ShouldContain(From);
        mime.Header("To")!.ShouldContain(to);
        mime.Header("Reply-To").ShouldBe(Samples.ReplyAddress);
        mime.Header("Content-Language").ShouldBe("nl");
        mime.Header("X-Takedown-Content-SHA256").ShouldBe(letter.Letter.ContentSha256);
        mime.MediaType.ShouldBe("multipart/mixed");

        var alternative = mime.Parts.Single(p => p.MediaType == "multipart/alternative");
        var text = alternative.Parts.Single(p => p.MediaType == "text/plain");
        var html = alternative.Parts.Single(p => p.MediaType == "text/html");
        text.Header("Content-Type")!.ShouldContain("utf-8", Case.Insensitive);
        Lf(text.Text).ShouldBe(letter.Letter.PlainText);
        Lf(html.Text).ShouldBe(letter.Letter.Html);
        var received = letter.Letter with { PlainText = Lf(text.Text), Html = Lf(html.Text) };
        received.HashMatches().ShouldBeTrue();

        var pdf = mime.Parts.Single(p => p.MediaType == "application/pdf");
        pdf.Header("Content-Disposition")!.ShouldContain("attachment");
        pdf.Header("Content-Disposition")!.ShouldContain("verzoek-TD-2026-0042.pdf");
        pdf.Body.ShouldBe(letter.Pdf);
    }

    [Theory]
    [InlineData("tempfail-once")]
    [InlineData("tempfail-data-once")]
    public async Task Server_that_answers_4xx_then_250_gets_exactly_one_letter_with_the_same_message_id(string localPart)
    {
        var to = $"{localPart}@{Guid.NewGuid():N}.example";
        var letter = Letter(to, "en");
        var sender = Sender();

        var first = await Should.ThrowAsync<LetterSendFailedException>(() => sender.SendAsync(letter));
        smtp.ReceivedFor(to).ShouldBeEmpty();
        var receipt = await sender.SendAsync(letter);

        first.IsTransient.ShouldBeTrue();
        first.StatusCode.ShouldBe(451);
        first.Message.ShouldNotContain(to);
        var mail = smtp.ReceivedFor(to).ShouldHaveSingleItem();
        MimeEntity.Parse(mail.Raw).Header("Message-ID").ShouldBe(receipt.MessageId);
        receipt.MessageId.ShouldBe(sender.MessageIdFor(letter.LetterId));
    }

    [Theory]
    [InlineData("reject", 550)]
    [InlineData("reject-data", 554)]
    public async Task Server_that_answers_5xx_leads_to_a_permanent_failure(string localPart, int status)
    {
        var to = $"{localPart}@{Guid.NewGuid():N}.example";

        var failure = await Should.ThrowAsync<LetterSendFailedException>(() => Sender().SendAsync(Letter(to)));

        failure.IsTransient.ShouldBeFalse();
        failure.StatusCode.ShouldBe(status);
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

        var failure = await Should.ThrowAsync<LetterSendFailedException>(() => Sender(port).SendAsync(Letter("privacy@forum.example")));

        failure.IsTransient.ShouldBeTrue();
        failure.StatusCode.ShouldBeNull();
    }

    [Fact]
    public async Task Pickup_directory_mode_writes_an_eml_with_the_stable_message_id()
    {
        var folder = Path.Combine(Repository.NewTempFolder("pickup"), "mail");
        var sender = new SmtpLetterSender(new SmtpLetterOptions { FromAddress = From, PickupDirectory = folder }, TimeProvider.System);
        var letter = Letter("privacy@forum.example");

        var receipt = await sender.SendAsync(letter);

        var file = Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem();
        var mime = MimeEntity.Parse(await File.ReadAllBytesAsync(file));
        mime.Header("Message-ID").ShouldBe(receipt.MessageId);
        Lf(mime.Descendants().Single(p => p.MediaType == "text/plain").Text).ShouldBe(letter.Letter.PlainText);
        mime.Descendants().Single(p => p.MediaType == "application/pdf").Body.ShouldBe(letter.Pdf);
    }

    private static string Lf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
