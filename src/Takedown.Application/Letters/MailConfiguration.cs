using Microsoft.Extensions.Configuration;
using Takedown.Letters.Sending;

namespace Takedown.Application.Letters;

/// <summary>
/// Reads the outgoing mail settings (section <c>Mail</c>, with the sender's name and the Message-ID domain from
/// <c>Letters</c>) once, for the one <see cref="MailSender"/> that letters and sign-in links share. Refuses a half
/// configured relay or DKIM key at start-up, naming the setting, rather than at the first letter.
/// </summary>
public static class MailConfiguration
{
    public static MailOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mail = configuration.GetSection("Mail");
        var replyDomain = configuration["Letters:ReplyDomain"] is { Length: > 0 } domain ? domain : "takedown.invalid";
        if (string.IsNullOrWhiteSpace(mail["PickupDirectory"]) && string.IsNullOrWhiteSpace(mail["Host"]))
        {
            throw new InvalidOperationException(
                "Mail:Host is not set. Letters need an SMTP relay (Mail__Host, Mail__Port, Mail__TlsMode, Mail__UserName, Mail__Password) or, for development, Mail__PickupDirectory.");
        }
        return new MailOptions
        {
            Host = mail["Host"],
            Port = mail.GetValue<int?>("Port"),
            TlsMode = TlsMode(mail),
            UserName = mail["UserName"] is { Length: > 0 } user ? user : null,
            Password = mail["Password"],
            FromAddress = mail["FromAddress"] ?? $"letters@{replyDomain}",
            FromDisplayName = configuration["Letters:SenderName"] ?? "Takedown",
            MessageIdDomain = replyDomain,
            PickupDirectory = mail["PickupDirectory"] is { Length: > 0 } pickup ? pickup : null,
            Timeout = mail.GetValue("Timeout", TimeSpan.FromSeconds(30)),
            Dkim = Dkim(mail.GetSection("Dkim")),
        };
    }

    private static MailTlsMode TlsMode(IConfigurationSection mail)
    {
        if (mail["TlsMode"] is not { Length: > 0 } mode)
        {
            // The older switch: Mail:EnableStartTls=false meant a relay without TLS.
            return mail.GetValue("EnableStartTls", true) ? MailTlsMode.StartTls : MailTlsMode.None;
        }
        return Enum.GetNames<MailTlsMode>().FirstOrDefault(n => n.Equals(mode.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<MailTlsMode>(name)
            : throw new InvalidOperationException($"Mail:TlsMode must be one of {string.Join(", ", Enum.GetNames<MailTlsMode>())}.");
    }

    private static DkimOptions? Dkim(IConfigurationSection dkim)
    {
        var domain = dkim["Domain"];
        var selector = dkim["Selector"];
        var key = dkim["PrivateKey"];
        var keyFile = dkim["PrivateKeyFile"];
        if (new[] { domain, selector, key, keyFile }.All(string.IsNullOrWhiteSpace))
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(domain) || string.IsNullOrWhiteSpace(selector))
        {
            throw new InvalidOperationException("DKIM signing needs Mail:Dkim:Domain and Mail:Dkim:Selector along with the key.");
        }
        if (string.IsNullOrWhiteSpace(key) == string.IsNullOrWhiteSpace(keyFile))
        {
            throw new InvalidOperationException("DKIM signing needs exactly one of Mail:Dkim:PrivateKey (PEM) and Mail:Dkim:PrivateKeyFile (the path of a PEM file).");
        }
        if (string.IsNullOrWhiteSpace(key))
        {
            key = File.Exists(keyFile)
                ? File.ReadAllText(keyFile!)
                : throw new InvalidOperationException("Mail:Dkim:PrivateKeyFile names no readable file.");
        }
        // Environment variables cannot hold line breaks everywhere: accept a PEM with "\n" written out.
        var options = new DkimOptions(domain.Trim(), selector.Trim(), key.Replace("\\n", "\n", StringComparison.Ordinal));
        MailSender.CreateDkimSigner(options);
        return options;
    }
}
