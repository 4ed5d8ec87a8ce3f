using System.Diagnostics;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Text;

namespace Takedown.Letters.Sending;

/// <summary>
/// Sends a letter by SMTP (System.Net.Mail) as multipart/alternative text and HTML with the PDF attached, from the
/// service's own address, with a Message-ID derived from the letter id and Reply-To set to the request's inbound
/// address. Logs nothing: addresses and bodies are personal data.
/// </summary>
public sealed class SmtpLetterSender(SmtpLetterOptions options, TimeProvider time)
{
    /// <summary>The stable Message-ID of a letter: the same on every attempt, so a retry is the same letter.</summary>
    public static string MessageIdFor(Guid letterId, string domain) => $"<{letterId:D}@{domain}>";

    public string MessageIdFor(Guid letterId) => MessageIdFor(letterId, Domain);

    private string Domain => options.MessageIdDomain ?? new MailAddress(options.FromAddress).Host;

    /// <summary>Sends the letter; throws <see cref="LetterSendFailedException"/> telling transient from permanent.</summary>
    public async Task<SendReceipt> SendAsync(OutgoingLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var messageId = MessageIdFor(letter.LetterId);
        // The relay, the letter id and the outcome; never the recipient, the subject or the text.
        using var activity = Telemetry.Source.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("takedown.letter.id", letter.LetterId);
        activity?.SetTag("server.address", options.PickupDirectory is null ? options.Host : "pickup-directory");
        activity?.SetTag("takedown.letter.has_pdf", letter.Pdf is not null);
        using var message = BuildMessage(letter, messageId);
        using var client = CreateClient();
        try
        {
            await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpException e)
        {
            var failure = Classify(e);
            activity?.SetStatus(ActivityStatusCode.Error, failure.IsTransient ? "transient" : "permanent");
            activity?.SetTag("smtp.status_code", failure.StatusCode);
            throw failure;
        }
        catch (IOException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "transient");
            throw new LetterSendFailedException(true, null, e.Message, e);
        }
        var reply = options.PickupDirectory is null ? "250 accepted" : "written to pickup directory";
        return new SendReceipt(messageId, letter.Letter.ContentSha256, reply, time.GetUtcNow());
    }

    /// <summary>Builds the MIME message exactly as it is sent; exposed for tests and for keeping a copy.</summary>
    public MailMessage BuildMessage(OutgoingLetter letter, string messageId)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var message = new MailMessage
        {
            From = new MailAddress(options.FromAddress, options.FromDisplayName, Encoding.UTF8),
            Subject = letter.Letter.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        message.To.Add(letter.ToName is null ? new MailAddress(letter.ToAddress) : new MailAddress(letter.ToAddress, letter.ToName, Encoding.UTF8));
        message.ReplyToList.Add(new MailAddress(letter.ReplyTo));
        message.Headers.Add("Message-ID", messageId);
        message.Headers.Add("Content-Language", letter.Letter.Language);
        message.Headers.Add("X-Takedown-Content-SHA256", letter.Letter.ContentSha256);

        // Line ends go out as CRLF, as SMTP requires; the evidence hash is over the "\n" text the composer made.
        var text = AlternateView.CreateAlternateViewFromString(Crlf(letter.Letter.PlainText), Encoding.UTF8, MediaTypeNames.Text.Plain);
        text.TransferEncoding = TransferEncoding.QuotedPrintable;
        var html = AlternateView.CreateAlternateViewFromString(Crlf(letter.Letter.Html), Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.QuotedPrintable;
        message.AlternateViews.Add(text);
        message.AlternateViews.Add(html);

        if (letter.Pdf is { } pdf)
        {
            var attachment = new Attachment(new MemoryStream(pdf, writable: false), letter.PdfFileName, MediaTypeNames.Application.Pdf);
            attachment.ContentDisposition!.Inline = false;
            attachment.ContentDisposition.FileName = letter.PdfFileName;
            message.Attachments.Add(attachment);
        }
        return message;
    }

    private SmtpClient CreateClient()
    {
        var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        if (options.PickupDirectory is { } pickup)
        {
            Directory.CreateDirectory(pickup);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = Path.GetFullPath(pickup);
            return client;
        }
        client.DeliveryMethod = SmtpDeliveryMethod.Network;
        client.Host = options.Host ?? throw new InvalidOperationException("SMTP host is not configured.");
        client.Port = options.Port;
        client.EnableSsl = options.EnableStartTls;
        client.UseDefaultCredentials = false;
        if (options.UserName is not null)
        {
            client.Credentials = new NetworkCredential(options.UserName, options.Password);
        }
        return client;
    }

    private static LetterSendFailedException Classify(SmtpException e)
    {
        var code = (int)e.StatusCode;
        if (code is >= 400 and < 500)
        {
            return new LetterSendFailedException(true, code, e.Message, e);
        }
        if (code is >= 500 and < 600)
        {
            return new LetterSendFailedException(false, code, e.Message, e);
        }
        // No reply code: the connection failed or timed out before the server could answer, worth another try.
        // Anything else without a code (such as a server that offers no STARTTLS) needs an operator.
        var connection = e.InnerException is SocketException or IOException or TimeoutException or WebException
            || e.Message.Contains("timed out", StringComparison.OrdinalIgnoreCase);
        return new LetterSendFailedException(connection, null, e.Message, e);
    }

    private static string Crlf(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);
}

/// <summary>The letters library's spans, published under the application's source name.</summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new("Takedown");
}
