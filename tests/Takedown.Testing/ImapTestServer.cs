using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Takedown.Testing;

/// <summary>
/// A real IMAP server (Debian's dovecot-imapd) on 127.0.0.1 and a free port, with its mail in a temp folder and one
/// account of a name of its own (so two servers never share a mailbox key in one database). Stopped and deleted on
/// dispose. <paramref name="idle"/> false leaves IDLE out of the capabilities the server announces.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ImapTestServer : IAsyncDisposable
{
    public const string Dovecot = "/usr/sbin/dovecot";

    private ImapTestServer(string folder, int port, string userName)
    {
        Folder = folder;
        Port = port;
        UserName = userName;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string UserName { get; }

    public string Password { get; } = "secret";

    /// <summary>The server's own folder: configuration, log, mail.</summary>
    public string Folder { get; }

    /// <summary>The Mail:Inbound:Imap settings that read this server's account.</summary>
    public IReadOnlyDictionary<string, string?> Settings(string folder = "INBOX") => new Dictionary<string, string?>
    {
        ["Mail:Inbound:Imap:Host"] = Host,
        ["Mail:Inbound:Imap:Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Inbound:Imap:Tls"] = "None",
        ["Mail:Inbound:Imap:UserName"] = UserName,
        ["Mail:Inbound:Imap:Password"] = Password,
        ["Mail:Inbound:Imap:Folder"] = folder,
    };

    public static async Task<ImapTestServer> StartAsync(bool idle = true)
    {
        if (!File.Exists(Dovecot))
        {
            throw new InvalidOperationException($"{Dovecot} is missing: apt-get install -y dovecot-imapd (ops/prerequisites.sh test)");
        }
        for (var attempt = 0; ; attempt++)
        {
            // Under /tmp, not the run's temp folder: the mail processes run as nobody and must reach it.
            var folder = Path.Combine("/tmp", $"takedown-imap-{Guid.NewGuid():N}");
            var port = FreePort();
            var server = new ImapTestServer(folder, port, "replies-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                await server.RunAsync(idle);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken between choosing it and binding it.
                await server.DisposeAsync();
            }
        }
    }

    private async Task RunAsync(bool idle)
    {
        foreach (var dir in new[] { Folder, Path.Combine(Folder, "mail"), Path.Combine(Folder, "run") })
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        }
        var capabilities = idle ? "" : "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE CHILDREN LIST-EXTENDED ESEARCH\n";
        await File.WriteAllTextAsync(Path.Combine(Folder, "users"), $"{UserName}:{{PLAIN}}{Password}\n");
        await File.WriteAllTextAsync(Path.Combine(Folder, "dovecot.conf"), $$"""
            base_dir = {{Folder}}/run
            state_dir = {{Folder}}/run
            listen = 127.0.0.1
            protocols = imap
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            log_path = {{Folder}}/dovecot.log
            default_login_user = nobody
            default_internal_user = nobody
            default_internal_group = nogroup
            mail_location = maildir:{{Folder}}/mail/%u
            {{capabilities}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{Folder}}/users
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home={{Folder}}/mail/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
            }
            """);
        // Not redirected: the daemon dovecot leaves behind keeps its standard streams open, so reading them never ends.
        var start = new ProcessStartInfo(Dovecot) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Path.Combine(Folder, "dovecot.conf"));
        using (var process = Process.Start(start) ?? throw new InvalidOperationException("dovecot did not start"))
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (process.ExitCode != 0)
            {
                var log = Path.Combine(Folder, "dovecot.log");
                throw new InvalidOperationException($"dovecot did not start: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "no log")}");
            }
        }
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = await ConnectAsync();
                await client.DisconnectAsync(true);
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or ImapProtocolException && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A client signed in to the account.</summary>
    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(Host, Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(UserName, Password);
        return client;
    }

    /// <summary>
    /// Puts a message into a folder (made when missing) byte for byte, as a mail server delivering it would, whether or
    /// not it is a well-formed message (an APPEND of our own: MailKit appends only what MimeKit could parse).
    /// </summary>
    public async Task AppendAsync(byte[] raw, string folder = "INBOX")
    {
        using (var client = await ConnectAsync())
        {
            await FolderAsync(client, folder, create: true);
            await client.DisconnectAsync(true);
        }
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Host, Port);
        var stream = tcp.GetStream();
        using var lines = new StreamReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        async Task<string> AnswerAsync(string tag)
        {
            while (true)
            {
                var line = await lines.ReadLineAsync() ?? throw new IOException("The IMAP server closed the connection.");
                if (line.StartsWith(tag + " ", StringComparison.Ordinal) || line.StartsWith('+'))
                {
                    return line;
                }
            }
        }
        static void Expect(string answer, string start)
        {
            if (!answer.StartsWith(start, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The IMAP server answered {answer}.");
            }
        }
        async Task SendAsync(string text) => await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text));
        await lines.ReadLineAsync();
        await SendAsync($"a LOGIN {UserName} {Password}\r\n");
        Expect(await AnswerAsync("a"), "a OK");
        await SendAsync($"b APPEND \"{folder}\" {{{raw.Length}}}\r\n");
        Expect(await AnswerAsync("b"), "+");
        await stream.WriteAsync(raw);
        await SendAsync("\r\n");
        Expect(await AnswerAsync("b"), "b OK");
        await SendAsync("c LOGOUT\r\n");
    }

    /// <summary>Makes a folder.</summary>
    public async Task CreateFolderAsync(string folder)
    {
        using var client = await ConnectAsync();
        await FolderAsync(client, folder, create: true);
        await client.DisconnectAsync(true);
    }

    /// <summary>The raw messages in a folder (none when it does not exist), oldest first.</summary>
    public async Task<IReadOnlyList<byte[]>> MessagesAsync(string folder)
    {
        using var client = await ConnectAsync();
        if (await FolderAsync(client, folder, create: false) is not { } target)
        {
            return [];
        }
        await target.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<byte[]>();
        foreach (var uid in await target.SearchAsync(SearchQuery.NotDeleted))
        {
            using var stream = await target.GetStreamAsync(uid);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            messages.Add(buffer.ToArray());
        }
        await client.DisconnectAsync(true);
        return messages;
    }

    /// <summary>The folder's UIDVALIDITY.</summary>
    public async Task<uint> UidValidityAsync(string folder)
    {
        using var client = await ConnectAsync();
        var target = await FolderAsync(client, folder, create: false) ?? throw new InvalidOperationException($"No folder {folder}.");
        await target.StatusAsync(StatusItems.UidValidity);
        await client.DisconnectAsync(true);
        return target.UidValidity;
    }

    /// <summary>Deletes a folder with its messages and makes it again: the server gives it a new UIDVALIDITY.</summary>
    public async Task RecreateAsync(string folder)
    {
        using var client = await ConnectAsync();
        var target = await FolderAsync(client, folder, create: false) ?? throw new InvalidOperationException($"No folder {folder}.");
        await target.DeleteAsync();
        await (await client.GetFolderAsync(client.PersonalNamespaces[0].Path)).CreateAsync(folder, isMessageFolder: true);
        await client.DisconnectAsync(true);
    }

    /// <summary>
    /// Makes a folder refuse new messages (its maildir is made read-only for the server's mail user), so a move into it
    /// fails as on a server whose disk is full; <see cref="UnblockFolder"/> undoes it.
    /// </summary>
    public void BlockFolder(string folder) =>
        File.SetUnixFileMode(MaildirOf(folder), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

    public void UnblockFolder(string folder) => File.SetUnixFileMode(MaildirOf(folder), (UnixFileMode)0x1C0);

    private string MaildirOf(string folder)
    {
        var path = Path.Combine(Folder, "mail", UserName, "." + folder);
        return Directory.Exists(path) ? path : throw new InvalidOperationException($"The folder {folder} has no maildir yet.");
    }

    private static async Task<IMailFolder?> FolderAsync(ImapClient client, string name, bool create)
    {
        if (name.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        try
        {
            return await root.GetSubfolderAsync(name);
        }
        catch (FolderNotFoundException) when (create)
        {
            return await root.CreateAsync(name, isMessageFolder: true);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(Folder, "run", "master.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var master = Process.GetProcessById(pid);
                master.Kill(entireProcessTree: true);
                await master.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (TimeoutException)
            {
                // Left to the machine; its folder goes below regardless.
            }
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process of the server still writing; harmless in /tmp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
