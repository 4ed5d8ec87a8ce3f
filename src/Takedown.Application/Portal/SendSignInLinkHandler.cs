using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Configuration;
using Takedown.Letters.Sending;

namespace Takedown.Application.Portal;

/// <summary>
/// Sends the sign-in link by SMTP with the same settings as the letters (<c>Mail:*</c>). Runs in the worker, off the
/// request path, so a slow or absent mail server never makes the sign-in page wait; a failure is retried by the
/// worker. Logs nothing: the address is personal data.
/// </summary>
public static class SendSignInLinkHandler
{
    public static async Task HandleAsync(SendSignInLink message, IConfiguration configuration, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(time);
        if (message.ExpiresAt <= time.GetUtcNow())
        {
            // A link that no longer works is not worth a mail (the worker was down longer than the link lives).
            return;
        }
        var options = Options(configuration);
        using var mail = Compose(message, options);
        using var client = CreateClient(options);
        await client.SendMailAsync(mail, cancellationToken).ConfigureAwait(false);
    }

    public static SmtpLetterOptions Options(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mail = configuration.GetSection("Mail");
        return new SmtpLetterOptions
        {
            Host = mail["Host"],
            Port = mail.GetValue("Port", 587),
            EnableStartTls = mail.GetValue("EnableStartTls", true),
            UserName = mail["UserName"],
            Password = mail["Password"],
            FromAddress = mail["FromAddress"] ?? $"noreply@{configuration["Letters:ReplyDomain"] ?? "takedown.invalid"}",
            FromDisplayName = configuration["Letters:SenderName"] ?? "Takedown",
            PickupDirectory = mail["PickupDirectory"],
        };
    }

    /// <summary>The message as it is sent: plain text only (no remote images, no tracking), in the victim's language.</summary>
    public static MailMessage Compose(SendSignInLink message, SmtpLetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var nl = message.Language != "en";
        const int minutes = 15;
        var text = nl
            ? $"""
               Hallo,

               Met deze link logt u in op Takedown. De link werkt één keer en is {minutes} minuten geldig:

               {message.Link}

               Hebt u niet gevraagd om in te loggen? Dan hoeft u niets te doen; zonder de link kan niemand inloggen.

               Bent u in direct gevaar? Bel 112. Veilig Thuis: 0800-2000. Slachtofferhulp Nederland: 0900-0101.
               """
            : $"""
               Hello,

               Use this link to sign in to Takedown. It works once and for {minutes} minutes:

               {message.Link}

               Did you not ask to sign in? Then you need not do anything; nobody can sign in without the link.

               In immediate danger? Call 112. Veilig Thuis (domestic abuse): 0800-2000. Victim Support Netherlands: 0900-0101.
               """;
        var mail = new MailMessage
        {
            From = new MailAddress(options.FromAddress, options.FromDisplayName, Encoding.UTF8),
            // A neutral subject: the mailbox may be seen by the harasser.
            Subject = nl ? "Uw inloglink" : "Your sign-in link",
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(message.Email));
        var body = AlternateView.CreateAlternateViewFromString(text.Replace("\n", "\r\n", StringComparison.Ordinal), Encoding.UTF8, MediaTypeNames.Text.Plain);
        body.TransferEncoding = TransferEncoding.QuotedPrintable;
        mail.AlternateViews.Add(body);
        mail.Headers.Add("Content-Language", nl ? "nl" : "en");
        return mail;
    }

    private static SmtpClient CreateClient(SmtpLetterOptions options)
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
        client.Host = options.Host ?? throw new InvalidOperationException("SMTP host is not configured (Mail:Host).");
        client.Port = options.Port;
        client.EnableSsl = options.EnableStartTls;
        client.UseDefaultCredentials = false;
        if (options.UserName is not null)
        {
            client.Credentials = new NetworkCredential(options.UserName, options.Password);
        }
        return client;
    }
}
