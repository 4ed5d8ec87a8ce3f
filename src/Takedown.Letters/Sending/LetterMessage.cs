using System.Text;
using MimeKit;

namespace Takedown.Letters.Sending;

/// <summary>
/// A letter as a MIME message: <c>multipart/mixed</c> = <c>multipart/alternative</c> (text and HTML) + the PDF, or just
/// the alternative without a PDF; from the service's own address, Reply-To the request's reply address, and the
/// letter's stable Message-ID.
/// </summary>
public static class LetterMessage
{
    /// <summary>Builds the message exactly as it is sent; pure, so tests can look at it.</summary>
    public static MimeMessage Build(OutgoingLetter letter, MailboxAddress from, string messageId, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(letter.ToName, letter.ToAddress));
        message.ReplyTo.Add(MailboxAddress.Parse(letter.ReplyTo));
        message.Subject = letter.Letter.Subject;
        message.Date = date;
        SetMessageId(message, messageId);
        message.Headers.Add("X-Takedown-Content-SHA256", letter.Letter.ContentSha256);

        // The composer's text has "\n" line ends, which the evidence hash is over; quoted-printable writes each as a
        // real line break (CRLF on the wire), never as =0D=0A (RFC 2045 6.7(4)). Decoding a received part and turning
        // CRLF back into "\n" gives the hashed text again.
        var alternative = new MultipartAlternative { Text("plain", letter.Letter.PlainText), Text("html", letter.Letter.Html) };
        if (letter.Pdf is not { } pdf)
        {
            message.Body = alternative;
            message.Body.Headers.Add("Content-Language", letter.Letter.Language);
            return message;
        }
        var attachment = new MimePart("application", "pdf")
        {
            Content = new MimeContent(new MemoryStream(pdf, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = letter.PdfFileName,
        };
        message.Body = new Multipart("mixed") { alternative, attachment };
        // A Content-* header belongs to the body's entity in MimeKit; it is written among the message's headers.
        message.Body.Headers.Add("Content-Language", letter.Letter.Language);
        return message;
    }

    /// <summary>A UTF-8 text part in quoted-printable.</summary>
    public static TextPart Text(string subtype, string text)
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    /// <summary>
    /// Sets the Message-ID under RFC 5322's spelling of the field name ("Message-ID"; MimeKit's own setter writes
    /// "Message-Id"), so the header reads the same as in every letter sent before.
    /// </summary>
    public static void SetMessageId(MimeMessage message, string messageId)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Headers.RemoveAll(HeaderId.MessageId);
        message.Headers.Add("Message-ID", messageId);
    }
}
