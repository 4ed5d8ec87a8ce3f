using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit;

namespace Takedown.Testing;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on 127.0.0.1 for one test class, use as
/// <c>IClassFixture&lt;SmtpTestServer&gt;</c>. Stores every accepted message raw; replies are scripted per recipient
/// local part (<c>reject</c>, <c>reject-data</c>, <c>tempfail-once</c>, <c>tempfail-data-once</c>): see smtp_server.py.
/// Plain SMTP without authentication by default; <see cref="Secured"/> makes one that speaks TLS (STARTTLS or implicit, with a self-signed <see cref="Certificate"/> made for the run) and requires a login.
/// </summary>
public sealed class SmtpTestServer : IAsyncLifetime
{
    public const string Python = "/usr/bin/python3";

    private readonly SmtpTestTls _tls;
    private readonly string? _credentials;
    private Process? process;

    public SmtpTestServer()
        : this(SmtpTestTls.None, null)
    {
    }

    private SmtpTestServer(SmtpTestTls tls, string? credentials)
    {
        _tls = tls;
        _credentials = credentials;
        if (tls != SmtpTestTls.None)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=smtp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("smtp.test");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            Certificate = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
            File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
            certificate.Dispose();
        }
    }

    /// <summary>A server that speaks TLS and requires a login; start it with <see cref="InitializeAsync"/>.</summary>
    /// <param name="tls">How the server speaks TLS.</param>
    /// <param name="credentials">"user:password" to require AUTH with; null for none.</param>
    public static SmtpTestServer Secured(SmtpTestTls tls, string? credentials) => new(tls, credentials);

    /// <summary>The server's self-signed certificate, when it speaks TLS: trusted by nobody but a test that pins it.</summary>
    public X509Certificate2? Certificate { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; private set; }

    public string MailDirectory { get; } = Repository.NewTempFolder("smtp-box");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: apt-get install -y python3-aiosmtpd");
        }
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smtp_server.py"));
        psi.ArgumentList.Add(MailDirectory);
        if (_tls != SmtpTestTls.None)
        {
            foreach (var argument in new[] { "--tls", _tls == SmtpTestTls.StartTls ? "starttls" : "implicit", "--cert", CertificatePath, "--key", KeyPath })
            {
                psi.ArgumentList.Add(argument);
            }
        }
        if (_credentials is not null)
        {
            psi.ArgumentList.Add("--auth");
            psi.ArgumentList.Add(_credentials);
        }
        process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the SMTP test server.");
        var errors = process.StandardError.ReadToEndAsync();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The SMTP test server did not start: {await errors}");
        }
        Port = int.Parse(ready["READY ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private string CertificatePath => MailDirectory + ".cert.pem";

    private string KeyPath => MailDirectory + ".key.pem";

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received() =>
        [.. Directory.GetFiles(MailDirectory, "*.eml").Order(StringComparer.Ordinal).Select(path =>
        {
            using var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
            return new ReceivedMail(
                File.ReadAllBytes(path),
                envelope.RootElement.GetProperty("mail_from").GetString() ?? "",
                [.. envelope.RootElement.GetProperty("rcpt_tos").EnumerateArray().Select(e => e.GetString() ?? "")]);
        })];

    /// <summary>Received messages for one recipient address.</summary>
    public IReadOnlyList<ReceivedMail> ReceivedFor(string recipient) =>
        [.. Received().Where(m => m.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))];

    public async Task DisposeAsync()
    {
        if (process is not null)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(5000))
                {
                    process.Kill();
                }
                await process.WaitForExitAsync();
            }
            finally
            {
                process.Dispose();
            }
        }
        Certificate?.Dispose();
        try
        {
            Directory.Delete(MailDirectory, recursive: true);
            File.Delete(CertificatePath);
            File.Delete(KeyPath);
        }
        catch (IOException)
        {
            // Left in the run's temp folder; harmless.
        }
    }
}

/// <summary>How an <see cref="SmtpTestServer"/> speaks TLS.</summary>
public enum SmtpTestTls
{
    None,
    StartTls,
    Implicit,
}

/// <summary>One message as the SMTP server stored it: the raw bytes and the SMTP envelope.</summary>
public sealed record ReceivedMail(byte[] Raw, string MailFrom, IReadOnlyList<string> Recipients);
