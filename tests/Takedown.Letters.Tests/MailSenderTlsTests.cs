using System.Security.Cryptography;
using Takedown.Letters.Sending;
using Takedown.Testing;

namespace Takedown.Letters.Tests;

/// <summary>
/// STARTTLS and implicit TLS with a login, against aiosmtpd speaking TLS with a certificate made for the run. The
/// sender pins that certificate (<see cref="MailOptions.ServerCertificateValidation"/>): nothing else trusts it.
/// </summary>
public class MailSenderTlsTests
{
    private const string From = "letters@takedown.test";
    private const string Credentials = "takedown:relay-secret";

    private static MailSender Sender(SmtpTestServer server, MailTlsMode mode, string password = "relay-secret", bool pin = true) => new(
        new MailOptions
        {
            Host = server.Host,
            Port = server.Port,
            TlsMode = mode,
            UserName = "takedown",
            Password = password,
            FromAddress = From,
            Timeout = TimeSpan.FromSeconds(10),
            ServerCertificateValidation = pin
                ? (_, certificate, _, _) => certificate is not null
                    && certificate.GetCertHashString(HashAlgorithmName.SHA256) == server.Certificate!.GetCertHashString(HashAlgorithmName.SHA256)
                : null,
        },
        TimeProvider.System);

    [Theory]
    [InlineData(SmtpTestTls.StartTls, MailTlsMode.StartTls)]
    [InlineData(SmtpTestTls.Implicit, MailTlsMode.Implicit)]
    public async Task A_letter_goes_over_TLS_after_signing_in(SmtpTestTls serverTls, MailTlsMode mode)
    {
        var server = SmtpTestServer.Secured(serverTls, Credentials);
        await server.InitializeAsync();
        try
        {
            var to = $"privacy-{Guid.NewGuid():N}@forum.example";
            var letter = MailSenderTests.Letter(to);

            var receipt = await Sender(server, mode).SendLetterAsync(letter);

            receipt.ServerReply.ShouldStartWith("250 ");
            using var mime = MailSenderTests.Strict(server.ReceivedFor(to).ShouldHaveSingleItem().Raw);
            $"<{mime.MessageId}>".ShouldBe(receipt.MessageId);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Refused_credentials_are_a_permanent_failure_and_nothing_is_sent()
    {
        var server = SmtpTestServer.Secured(SmtpTestTls.StartTls, Credentials);
        await server.InitializeAsync();
        try
        {
            var failure = await Should.ThrowAsync<MailSendFailedException>(() =>
                Sender(server, MailTlsMode.StartTls, password: "wrong").SendLetterAsync(MailSenderTests.Letter("privacy@forum.example")));

            failure.IsTransient.ShouldBeFalse(failure.InnerException?.ToString());
            failure.StatusCode.ShouldBe(535);
            failure.Message.ShouldNotContain("wrong");
            server.Received().ShouldBeEmpty();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_certificate_the_system_does_not_trust_is_a_permanent_failure()
    {
        var server = SmtpTestServer.Secured(SmtpTestTls.Implicit, Credentials);
        await server.InitializeAsync();
        try
        {
            var failure = await Should.ThrowAsync<MailSendFailedException>(() =>
                Sender(server, MailTlsMode.Implicit, pin: false).SendLetterAsync(MailSenderTests.Letter("privacy@forum.example")));

            failure.IsTransient.ShouldBeFalse();
            server.Received().ShouldBeEmpty();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
