using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;

namespace Takedown.Letters.Sending;

/// <summary>
/// The one way out for mail, letters and sign-in links alike: MailKit's SMTP client over TLS with authentication, or
/// <c>.eml</c> files in the pickup directory; every message DKIM-signed when a key is configured. One connection per
/// message. Failures become <see cref="MailSendFailedException"/>, telling transient from permanent. Logs nothing:
/// addresses and bodies are personal data.
/// </summary>
public sealed class MailSender
{
    /// <summary>
    /// The headers the DKIM signature covers: what a reader relies on and a forwarder has no reason to touch.
    /// Content-Language and our hash header go with them, so the proof in a letter cannot be changed unnoticed.
    /// </summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Language",
        "X-Takedown-Content-SHA256",
    ];

    private readonly MailOptions _options;
    private readonly TimeProvider _time;
    private readonly DkimSigner? _dkim;

    /// <exception cref="InvalidOperationException">The DKIM key cannot be read (the message never quotes the key).</exception>
    public MailSender(MailOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        From = new MailboxAddress(options.FromDisplayName, options.FromAddress);
        _dkim = options.Dkim is { } dkim ? CreateDkimSigner(dkim) : null;
    }

    /// <summary>A DKIM signer for the configured key: RSA-SHA256, relaxed canonicalisation of headers and body.</summary>
    /// <exception cref="InvalidOperationException">The key cannot be read (the message never quotes the key).</exception>
    public static DkimSigner CreateDkimSigner(DkimOptions dkim)
    {
        ArgumentNullException.ThrowIfNull(dkim);
        try
        {
            using var key = new MemoryStream(Encoding.ASCII.GetBytes(dkim.PrivateKeyPem));
            return new DkimSigner(key, dkim.Domain, dkim.Selector, DkimSignatureAlgorithm.RsaSha256)
            {
                // Relaxed survives the re-folding of headers and the trailing-space changes that relays make.
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidCastException or ArgumentException)
        {
            throw new InvalidOperationException("The DKIM private key (Mail:Dkim:PrivateKey) is not an unencrypted RSA private key in PEM.", e);
        }
    }

    /// <summary>The service's own address, the sender of every message.</summary>
    public MailboxAddress From { get; }

    /// <summary>The stable Message-ID of a letter: the same on every attempt, so a retry is the same letter.</summary>
    public static string MessageIdFor(Guid letterId, string domain) => $"<{letterId:D}@{domain}>";

    public string MessageIdFor(Guid letterId) => MessageIdFor(letterId, Domain);

    private string Domain => _options.MessageIdDomain ?? MailboxAddress.Parse(_options.FromAddress).Domain;

    /// <summary>Builds and sends a letter; throws <see cref="MailSendFailedException"/> telling transient from permanent.</summary>
    public async Task<SendReceipt> SendLetterAsync(OutgoingLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var messageId = MessageIdFor(letter.LetterId);
        using var message = LetterMessage.Build(letter, From, messageId, _time.GetUtcNow());
        var reply = await SendAsync(message, activity =>
        {
            // The letter id and whether it has a PDF; never the recipient, the subject or the text.
            activity.SetTag("takedown.letter.id", letter.LetterId);
            activity.SetTag("takedown.letter.has_pdf", letter.Pdf is not null);
        }, cancellationToken).ConfigureAwait(false);
        return new SendReceipt(messageId, letter.Letter.ContentSha256, reply, _time.GetUtcNow());
    }

    /// <summary>
    /// Signs (with DKIM, when configured) and sends a message, or writes it to the pickup directory. Returns the
    /// server's reply to the message ("250 …") or "written to pickup directory".
    /// </summary>
    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(message, null, cancellationToken);

    private async Task<string> SendAsync(MimeMessage message, Action<Activity>? tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var activity = Telemetry.Source.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", _options.PickupDirectory is null ? _options.Host : "pickup-directory");
        if (activity is not null)
        {
            tag?.Invoke(activity);
        }
        Sign(message);
        if (_options.PickupDirectory is { } pickup)
        {
            await WriteToPickupAsync(message, pickup, cancellationToken).ConfigureAwait(false);
            return "written to pickup directory";
        }
        try
        {
            return await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailSendFailedException failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.IsTransient ? "transient" : "permanent");
            activity?.SetTag("smtp.status_code", failure.StatusCode);
            throw;
        }
    }

    private void Sign(MimeMessage message)
    {
        if (_dkim is null)
        {
            return;
        }
        // Fix every part's transfer encoding before signing, so no relay (nor MailKit for a server without 8BITMIME)
        // re-encodes the body after the signature was computed.
        message.Prepare(EncodingConstraint.SevenBit);
        var headers = SignedHeaders.Where(h => message.Headers.Contains(h) || message.Body?.Headers.Contains(h) == true).ToList();
        _dkim.Sign(Wire, message, headers);
    }

    /// <summary>How a message is written on the wire and in .eml files: CRLF line ends, as RFC 5322 requires.</summary>
    private static readonly FormatOptions Wire = CreateWireFormat();

    private static FormatOptions CreateWireFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }

    private static async Task WriteToPickupAsync(MimeMessage message, string pickup, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(pickup);
        // Named after the Message-ID, so a letter written twice (a retry) is one file; written aside and renamed, so a
        // reader of the folder never sees half a message.
        var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString("N")).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '@' ? c : '_'));
        var path = Path.Combine(Path.GetFullPath(pickup), name + ".eml");
        var partial = path + ".tmp";
        await message.WriteToAsync(Wire, partial, cancellationToken).ConfigureAwait(false);
        File.Move(partial, path, overwrite: true);
    }

    private async Task<string> DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var host = _options.Host ?? throw new MailSendFailedException(false, null, "SMTP host is not configured (Mail:Host).");
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        if (_options.ServerCertificateValidation is { } validate)
        {
            client.ServerCertificateValidationCallback = validate;
        }
        string reply;
        try
        {
            var security = _options.TlsMode switch
            {
                MailTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
                MailTlsMode.None => SecureSocketOptions.None,
                // Required, not "when available": a letter holds personal data and never goes out in the clear.
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(host, _options.EffectivePort, security, cancellationToken).ConfigureAwait(false);
            if (_options.UserName is { } user)
            {
                await client.AuthenticateAsync(user, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }
            reply = await client.SendAsync(Wire, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Classify(e, cancellationToken) is { } failure)
        {
            throw failure;
        }
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or TimeoutException or OperationCanceledException)
        {
            // The server has accepted the message; a lost QUIT changes nothing about that.
        }
        return "250 " + reply;
    }

    /// <summary>
    /// 4xx replies, lost connections and time-outs are worth another try with the same letter; 5xx replies and what
    /// only a change of configuration fixes (no STARTTLS, refused credentials, an untrusted certificate) are permanent.
    /// Null for the caller's own cancellation, which is not a failure of the relay.
    /// </summary>
    private static MailSendFailedException? Classify(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        SmtpCommandException c => ByStatus((int)c.StatusCode, $"{(int)c.StatusCode} {c.Message}", e),
        // MailKit words a refused login as "535: reason" (or "454: …" for a temporary failure).
        AuthenticationException a when a.Message.Length > 4 && a.Message[3] == ':' && int.TryParse(a.Message.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            => ByStatus(code, a.Message, e),
        AuthenticationException or ServiceNotAuthenticatedException or NotSupportedException or SslHandshakeException
            => new MailSendFailedException(false, null, e.Message, e),
        SmtpProtocolException or IOException or SocketException or TimeoutException or OperationCanceledException
            => new MailSendFailedException(true, null, e.Message, e),
        _ => null,
    };

    private static MailSendFailedException ByStatus(int code, string reply, Exception e) =>
        new(code is >= 400 and < 500, code, reply, e);
}

/// <summary>The letters library's spans, published under the application's source name.</summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new("Takedown");
}
