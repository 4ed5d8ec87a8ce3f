using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Takedown.Testing;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on 127.0.0.1 for one test class, use as
/// <c>IClassFixture&lt;SmtpTestServer&gt;</c>. Stores every accepted message raw; replies are scripted per recipient
/// local part (<c>reject</c>, <c>reject-data</c>, <c>tempfail-once</c>, <c>tempfail-data-once</c>): see smtp_server.py.
/// </summary>
public sealed class SmtpTestServer : IAsyncLifetime
{
    public const string Python = "/usr/bin/python3";

    private Process? process;

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
        process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the SMTP test server.");
        var errors = process.StandardError.ReadToEndAsync();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The SMTP test server did not start: {await errors}");
        }
        Port = int.Parse(ready["READY ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

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
        try
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the run's temp folder; harmless.
        }
    }
}

/// <summary>One message as the SMTP server stored it: the raw bytes and the SMTP envelope.</summary>
public sealed record ReceivedMail(byte[] Raw, string MailFrom, IReadOnlyList<string> Recipients);
