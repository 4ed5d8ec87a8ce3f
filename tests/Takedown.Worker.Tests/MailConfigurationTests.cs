using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Takedown.Application.Letters;
using Takedown.Letters.Sending;
using Takedown.Testing;

namespace Takedown.Worker.Tests;

/// <summary>The <c>Mail</c> section as the worker reads it at start-up: what it accepts, and what stops it.</summary>
public sealed class MailConfigurationTests
{
    private static MailOptions Read(params (string Key, string? Value)[] settings) =>
        MailConfiguration.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void A_relay_defaults_to_STARTTLS_on_587_and_letters_come_from_the_reply_domain()
    {
        var options = Read(("Mail:Host", "smtp.example"), ("Letters:ReplyDomain", "takedown.example"));

        options.TlsMode.ShouldBe(MailTlsMode.StartTls);
        options.EffectivePort.ShouldBe(587);
        options.FromAddress.ShouldBe("letters@takedown.example");
        options.MessageIdDomain.ShouldBe("takedown.example");
        options.Dkim.ShouldBeNull();
    }

    [Theory]
    [InlineData("Implicit", null, MailTlsMode.Implicit, 465)]
    [InlineData("implicit", "2465", MailTlsMode.Implicit, 2465)]
    [InlineData("None", "25", MailTlsMode.None, 25)]
    [InlineData("StartTls", null, MailTlsMode.StartTls, 587)]
    public void The_TLS_mode_is_one_of_three_names(string mode, string? port, MailTlsMode expected, int expectedPort)
    {
        var options = Read(("Mail:Host", "smtp.example"), ("Mail:TlsMode", mode), ("Mail:Port", port));

        options.TlsMode.ShouldBe(expected);
        options.EffectivePort.ShouldBe(expectedPort);
    }

    [Fact]
    public void The_older_EnableStartTls_false_still_means_no_TLS()
    {
        Read(("Mail:Host", "mailpit"), ("Mail:EnableStartTls", "false")).TlsMode.ShouldBe(MailTlsMode.None);
    }

    [Theory]
    [InlineData("Mail:TlsMode", "Ssl", "Mail:TlsMode")]
    [InlineData("Mail:Dkim:Domain", "takedown.example", "Mail:Dkim:Selector")]
    [InlineData("Mail:Dkim:PrivateKey", "-----BEGIN PRIVATE KEY-----", "Mail:Dkim:Domain")]
    public void A_wrong_or_half_setting_stops_the_host_naming_it(string key, string value, string named)
    {
        var failure = Should.Throw<InvalidOperationException>(() => Read(("Mail:Host", "smtp.example"), (key, value)));

        failure.Message.ShouldContain(named);
    }

    [Fact]
    public void No_relay_and_no_pickup_directory_stops_the_host()
    {
        Should.Throw<InvalidOperationException>(() => Read(("Letters:ReplyDomain", "takedown.example"))).Message.ShouldContain("Mail:Host");
    }

    [Fact]
    public void A_DKIM_key_comes_from_the_setting_with_escaped_line_breaks_or_from_a_file()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var file = Path.Combine(Repository.NewTempFolder("dkim"), "dkim.pem");
        File.WriteAllText(file, pem);

        var inline = Read(("Mail:Host", "smtp.example"), ("Mail:Dkim:Domain", "takedown.example"), ("Mail:Dkim:Selector", "s1"),
            ("Mail:Dkim:PrivateKey", pem.Replace("\n", "\\n", StringComparison.Ordinal)));
        var fromFile = Read(("Mail:Host", "smtp.example"), ("Mail:Dkim:Domain", "takedown.example"), ("Mail:Dkim:Selector", "s1"),
            ("Mail:Dkim:PrivateKeyFile", file));

        inline.Dkim.ShouldNotBeNull().PrivateKeyPem.ShouldBe(pem);
        fromFile.Dkim.ShouldNotBeNull().PrivateKeyPem.ShouldBe(pem);
        inline.ToString().ShouldNotContain("PRIVATE KEY");
        Should.Throw<InvalidOperationException>(() => Read(("Mail:Host", "smtp.example"), ("Mail:Dkim:Domain", "takedown.example"),
            ("Mail:Dkim:Selector", "s1"), ("Mail:Dkim:PrivateKey", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))).Message.ShouldNotContain("AAAA");
    }
}
