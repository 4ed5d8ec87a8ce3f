using MimeKit;
using Takedown.Letters.Sending;

namespace Takedown.Application.Portal;

/// <summary>
/// Sends the sign-in link through the same <see cref="MailSender"/> as the letters (<c>Mail:*</c>). Runs in the worker,
/// off the request path, so a slow or absent mail server never makes the sign-in page wait; a failure is retried by
/// the worker. Logs nothing: the address is personal data.
/// </summary>
public static class SendSignInLinkHandler
{
    public static async Task HandleAsync(SendSignInLink message, MailSender sender, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sender);
        if (message.ExpiresAt <= time.GetUtcNow())
        {
            // A link that no longer works is not worth a mail (the worker was down longer than the link lives).
            return;
        }
        using var mail = Compose(message, sender.From, time.GetUtcNow());
        await sender.SendAsync(mail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The message as it is sent: plain text only (no remote images, no tracking), in the victim's language.</summary>
    public static MimeMessage Compose(SendSignInLink message, MailboxAddress from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
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
        var mail = new MimeMessage
        {
            // A neutral subject: the mailbox may be seen by the harasser.
            Subject = nl ? "Uw inloglink" : "Your sign-in link",
            Date = date,
            Body = LetterMessage.Text("plain", text),
        };
        mail.From.Add(from);
        mail.To.Add(MailboxAddress.Parse(message.Email));
        mail.Body.Headers.Add("Content-Language", nl ? "nl" : "en");
        return mail;
    }
}
