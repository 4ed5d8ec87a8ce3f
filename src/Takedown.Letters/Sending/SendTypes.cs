using Takedown.Letters.Composing;

namespace Takedown.Letters.Sending;

/// <summary>A letter to send: the approved text, its PDF and where it goes.</summary>
/// <remarks>
/// <c>LetterId</c> fixes the Message-ID, so every retry of the same letter carries the same one.
/// <c>ReplyTo</c> is the per-request inbound address (see <see cref="Replies.ReplyAddress"/>).
/// </remarks>
public sealed record OutgoingLetter(
    Guid LetterId,
    string ToAddress,
    string? ToName,
    string ReplyTo,
    ComposedLetter Letter,
    byte[]? Pdf,
    string PdfFileName = "letter.pdf",
    IReadOnlyList<MailAttachment>? Attachments = null);

/// <summary>A file sent with a letter besides its PDF (e.g. the victim's masked identity document).</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Proof of sending, to record in the letter-sent event. <c>ServerReply</c> is the relay's reply to the message, e.g.
/// "250 2.0.0 Ok: queued as 4F1A2", or "written to pickup directory" locally.
/// </summary>
public sealed record SendReceipt(string MessageId, string ContentSha256, string ServerReply, DateTimeOffset SentAt);

/// <summary>
/// Sending a message (a letter, a sign-in link) failed. <see cref="IsTransient"/> (4xx, connection errors, time-outs)
/// means retry later with the same letter id; otherwise (5xx, refused configuration) record the failure and hand it to
/// an operator.
/// The message holds no addresses or text, so it is safe to log; <see cref="ServerReply"/> may quote an address
/// and belongs in the event, not in the log.
/// </summary>
public sealed class MailSendFailedException : Exception
{
    public MailSendFailedException(bool isTransient, int? statusCode, string serverReply, Exception? inner = null)
        : base($"Sending the message failed ({(isTransient ? "transient" : "permanent")}, SMTP status {statusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).", inner)
    {
        IsTransient = isTransient;
        StatusCode = statusCode;
        ServerReply = serverReply;
    }

    public MailSendFailedException()
        : this("Sending the message failed.")
    {
    }

    public MailSendFailedException(string message)
        : base(message) => ServerReply = "";

    public MailSendFailedException(string message, Exception innerException)
        : base(message, innerException) => ServerReply = "";

    public bool IsTransient { get; }

    /// <summary>The SMTP reply code, when the server gave one.</summary>
    public int? StatusCode { get; }

    public string ServerReply { get; }
}
