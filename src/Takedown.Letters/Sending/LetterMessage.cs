using System.Text;
using MimeKit;

namespace Takedown.Letters.Sending;

/// <summary>
/// A letter as a MIME message: <c>multipart/mixed</c> = <c>multipart/alternative</c> (text and HTML) + the PDF and any
/// other attachments, or just the alternative without them; from the service's own address, Reply-To the request's reply address, and the
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
        var files = new List<MailAttachment>();
        if (letter.Pdf is { } pdf)
        {
            files.Add(new MailAttachment(letter.PdfFileName, "application/pdf", pdf));
        }
        files.AddRange(letter.Attachments ?? []);
        if (files.Count == 0)
        {
            message.Body = alternative;
            message.Body.Headers.Add("Content-Language", letter.Letter.Language);
            return message;
        }
        var mixed = new Multipart("mixed") { alternative };
        foreach (var file in files)
        {
            mixed.Add(new MimePart(ContentType.Parse(file.ContentType))
            {
                Content = new MimeContent(new MemoryStream(file.Content, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.FileName,
            });
        }
        message.Body = mixed;
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
