using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Takedown.Letters.Sending;
using Takedown.Testing;

namespace Takedown.Letters.Tests;

/// <summary>
/// Letters signed with DKIM as they leave, verified as a receiving server would: MimeKit's <see cref="DkimVerifier"/>
/// on the bytes the SMTP server received, with the public key a DNS lookup of the selector would give. The key pair
/// is made for the run.
/// </summary>
public class DkimTests(SmtpTestServer smtp) : IClassFixture<SmtpTestServer>
{
    private const string Domain = "takedown.test";
    private const string Selector = "letters2026";

    private static readonly RSA Key = RSA.Create(2048);

    private MailSender Sender(string pem) => new(
        new MailOptions
        {
            Host = smtp.Host,
            Port = smtp.Port,
            TlsMode = MailTlsMode.None,
            FromAddress = "letters@" + Domain,
            Timeout = TimeSpan.FromSeconds(10),
            Dkim = new DkimOptions(Domain, Selector, pem),
        },
        TimeProvider.System);

    public static TheoryData<string> KeyFormats => ["pkcs1", "pkcs8"];

    private static string Pem(string format) => format == "pkcs1" ? Key.ExportRSAPrivateKeyPem() : Key.ExportPkcs8PrivateKeyPem();

    [Theory]
    [MemberData(nameof(KeyFormats))]
    public async Task A_signed_letter_verifies_with_the_published_key_after_passing_through_the_SMTP_server(string format)
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";

        await Sender(Pem(format)).SendLetterAsync(MailSenderTests.Letter(to));

        var raw = smtp.ReceivedFor(to).ShouldHaveSingleItem().Raw;
        using var message = MailSenderTests.Strict(raw);
        var signature = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        signature.Value.ShouldContain($"d={Domain}");
        signature.Value.ShouldContain($"s={Selector}");
        signature.Value.ShouldContain("a=rsa-sha256");
        signature.Value.ShouldContain("c=relaxed/relaxed");
        foreach (var header in new[] { "from", "to", "subject", "date", "message-id", "reply-to", "x-takedown-content-sha256" })
        {
            signature.Value.ToLowerInvariant().ShouldContain(header);
        }
        var verifier = new DkimVerifier(new PublishedKey(Key));
        (await verifier.VerifyAsync(message, signature)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_letter_changed_on_the_way_no_longer_verifies()
    {
        var to = $"privacy-{Guid.NewGuid():N}@forum.example";
        await Sender(Pem("pkcs8")).SendLetterAsync(MailSenderTests.Letter(to));
        var raw = Encoding.Latin1.GetString(smtp.ReceivedFor(to).ShouldHaveSingleItem().Raw);

        // One digit of the address the letter asks to erase, in the quoted-printable text part.
        var tampered = raw.Replace("Kerkstraat 1,", "Kerkstraat 7,", StringComparison.Ordinal);
        tampered.ShouldNotBe(raw);
        using var message = MailSenderTests.Strict(Encoding.Latin1.GetBytes(tampered));

        var verifier = new DkimVerifier(new PublishedKey(Key));
        (await verifier.VerifyAsync(message, message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)])).ShouldBeFalse();
    }

    [Fact]
    public async Task A_signed_letter_in_the_pickup_directory_verifies_too()
    {
        var folder = Repository.NewTempFolder("pickup-dkim");
        var sender = new MailSender(new MailOptions { FromAddress = "letters@" + Domain, PickupDirectory = folder, Dkim = new DkimOptions(Domain, Selector, Pem("pkcs1")) }, TimeProvider.System);

        await sender.SendLetterAsync(MailSenderTests.Letter("privacy@forum.example"));

        using var message = MailSenderTests.Strict(await File.ReadAllBytesAsync(Directory.GetFiles(folder, "*.eml").ShouldHaveSingleItem()));
        (await new DkimVerifier(new PublishedKey(Key)).VerifyAsync(message, message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)])).ShouldBeTrue();
    }

    [Fact]
    public void A_key_that_is_not_a_private_key_stops_the_sender_without_quoting_it()
    {
        const string notAKey = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";

        var failure = Should.Throw<InvalidOperationException>(() => Sender(notAKey));

        failure.Message.ShouldContain("Mail:Dkim:PrivateKey");
        failure.Message.ShouldNotContain("bm90IGEga2V5");
        new DkimOptions(Domain, Selector, notAKey).ToString().ShouldNotContain("bm90IGEga2V5");
    }

    /// <summary>The selector's DNS record, as <c>letters2026._domainkey.takedown.test TXT "v=DKIM1; k=rsa; p=…"</c> would publish it.</summary>
    private sealed class PublishedKey(RSA key) : DkimPublicKeyLocatorBase
    {
        private readonly string _record = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            domain == Domain && selector == Selector
                ? GetPublicKey(_record)
                : throw new InvalidOperationException($"No DKIM key published for {selector}._domainkey.{domain}.");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
