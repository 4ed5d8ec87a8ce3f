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
    string PdfFileName = "letter.pdf");

/// <summary>
/// Proof of sending, to record in the letter-sent event. <c>ServerReply</c> is what System.Net.Mail exposes: it
/// only returns after the server accepted the message with a 250, and does not give the reply text.
/// </summary>
public sealed record SendReceipt(string MessageId, string ContentSha256, string ServerReply, DateTimeOffset SentAt);

/// <summary>
/// Sending failed. <see cref="IsTransient"/> (4xx, connection errors, time-outs) means retry later with the same
/// letter id; otherwise (5xx, refused configuration) record the failure and hand it to an operator.
/// The message holds no addresses or text, so it is safe to log; <see cref="ServerReply"/> may quote an address
/// and belongs in the event, not in the log.
/// </summary>
public sealed class LetterSendFailedException : Exception
{
    public LetterSendFailedException(bool isTransient, int? statusCode, string serverReply, Exception inner)
        : base($"Sending the letter failed ({(isTransient ? "transient" : "permanent")}, SMTP status {statusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).", inner)
    {
        IsTransient = isTransient;
        StatusCode = statusCode;
        ServerReply = serverReply;
    }

    public LetterSendFailedException()
        : this("Sending the letter failed.")
    {
    }

    public LetterSendFailedException(string message)
        : base(message) => ServerReply = "";

    public LetterSendFailedException(string message, Exception innerException)
        : base(message, innerException) => ServerReply = "";

    public bool IsTransient { get; }

    /// <summary>The SMTP reply code, when the server gave one.</summary>
    public int? StatusCode { get; }

    public string ServerReply { get; }
}
