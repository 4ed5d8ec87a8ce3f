using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Takedown.Application.Replies;

/// <summary>The reply mailbox read over IMAP (<c>Mail:Inbound:Imap</c>); off unless <see cref="Host"/> is set.</summary>
public sealed class ImapReplySettings
{
    public string? Host { get; set; }

    /// <summary>993 for <see cref="SecureSocketOptions.SslOnConnect"/>, 143 otherwise, when not set.</summary>
    public int? Port { get; set; }

    /// <summary>SslOnConnect (implicit TLS, the default), StartTls, or None (only for a server on the same machine).</summary>
    public SecureSocketOptions Tls { get; set; } = SecureSocketOptions.SslOnConnect;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The folder replies arrive in.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where a recorded reply is moved; made when missing.</summary>
    public string ProcessedFolder { get; set; } = "Processed";

    /// <summary>Where a message matched to no case is moved (it is on the operators' replies page); made when missing.</summary>
    public string FailedFolder { get; set; } = "Failed";

    /// <summary>False to poll even when the server offers IDLE.</summary>
    public bool Idle { get; set; } = true;

    /// <summary>How often the folder is searched when the server offers no IDLE.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>IDLE is ended and begun again this often (RFC 2177: servers may drop an IDLE after 30 minutes).</summary>
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>The longest wait before connecting again after the server or the database failed.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The key of this folder in <c>imap_messages</c>: the account and the folder.</summary>
    public string MailboxKey => $"{UserName?.ToLowerInvariant()}/{Folder}";
}

/// <summary>What the reader is doing; for health and tests.</summary>
public enum ImapReaderState
{
    Off,
    Connecting,
    Reading,
    Idling,
    Polling,
    Failing,
}

/// <summary>
/// Reads the reply mailbox over IMAP and hands every message to <see cref="ReplyIntake"/>, the same matching and
/// classification as the mail gateway's. A message leaves the folder only after its reply committed: to the processed
/// folder, or, matched to no case, to the failed folder (it is on the operators' replies page). A reader stopped between
/// the commit and the move reads the message again and finds its record (<c>imap_messages</c>), so it is stored once.
/// Waits with IDLE where the server offers it, and polls otherwise.
/// </summary>
public sealed partial class ImapReplyReader(
    ReplyIntake intake, IOptions<ImapReplySettings> options, TimeProvider time, ILogger<ImapReplyReader> logger) : BackgroundService
{
    private readonly ImapReplySettings _settings = options.Value;

    public ImapReaderState State { get; private set; } = ImapReaderState.Off;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_settings.Enabled)
        {
            return;
        }
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReadAsync(() => delay = TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The reader outlives any one failure of the server or the database: it connects again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                State = ImapReaderState.Failing;
                LogFailed(logger, e.GetType().Name, delay.TotalSeconds, e);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _settings.MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task ReadAsync(Action connected, CancellationToken cancellationToken)
    {
        State = ImapReaderState.Connecting;
        using var client = new ImapClient();
        var port = _settings.Port ?? (_settings.Tls == SecureSocketOptions.SslOnConnect ? 993 : 143);
        await client.ConnectAsync(_settings.Host!, port, _settings.Tls, cancellationToken);
        if (!string.IsNullOrEmpty(_settings.UserName))
        {
            await client.AuthenticateAsync(_settings.UserName, _settings.Password ?? "", cancellationToken);
        }
        var folder = await client.GetFolderAsync(_settings.Folder, cancellationToken);
        var processed = await FolderAsync(client, _settings.ProcessedFolder, cancellationToken);
        var failed = await FolderAsync(client, _settings.FailedFolder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var idle = _settings.Idle && client.Capabilities.HasFlag(ImapCapabilities.Idle);
        LogConnected(logger, _settings.Folder, idle ? "IDLE" : "polling");
        // The server may announce a new message in the answer to any command (a search, a move), not only during IDLE:
        // the flag keeps such an announcement from being missed while no IDLE is running.
        var arrived = false;
        CancellationTokenSource? done = null;
        void Arrived(object? sender, EventArgs e)
        {
            arrived = true;
            done?.Cancel();
        }
        folder.CountChanged += Arrived;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                State = ImapReaderState.Reading;
                arrived = false;
                await DrainAsync(client, folder, processed, failed, cancellationToken);
                // Only a whole pass counts as recovered: a move that keeps failing backs off instead of reconnecting every second.
                connected();
                if (arrived)
                {
                    continue;
                }
                if (idle)
                {
                    State = ImapReaderState.Idling;
                    done = new CancellationTokenSource(_settings.IdleRefresh, time);
                    try
                    {
                        await client.IdleAsync(done.Token, cancellationToken);
                    }
                    finally
                    {
                        done.Dispose();
                        done = null;
                    }
                }
                else
                {
                    State = ImapReaderState.Polling;
                    await Task.Delay(_settings.PollInterval, time, cancellationToken);
                    // NOOP lets the server tell us of new messages, and keeps the connection from timing out.
                    await client.NoOpAsync(cancellationToken);
                }
            }
        }
        finally
        {
            folder.CountChanged -= Arrived;
        }
    }

    private async Task DrainAsync(ImapClient client, IMailFolder folder, IMailFolder processed, IMailFolder failed, CancellationToken cancellationToken)
    {
        var uids = await folder.SearchAsync(SearchQuery.NotDeleted, cancellationToken);
        foreach (var uid in uids)
        {
            byte[] raw;
            try
            {
                using var stream = await folder.GetStreamAsync(uid, cancellationToken);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken);
                raw = buffer.ToArray();
            }
            catch (MessageNotFoundException)
            {
                // Another reader moved it meanwhile.
                continue;
            }
            var source = new MailboxMessage(_settings.MailboxKey, folder.UidValidity, uid.Id);
            MailboxIntake intook;
            try
            {
                intook = await intake.ReceiveAsync(raw, source, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not ImapProtocolException)
            {
                // Left in the folder and read again on the next pass; the messages after it are not held up by it.
                LogNotRecorded(logger, uid.Id, e.GetType().Name, e);
                continue;
            }
            switch (intook.Outcome)
            {
                case MailboxOutcome.Processed:
                    await folder.MoveToAsync(uid, processed, cancellationToken);
                    break;
                case MailboxOutcome.Failed:
                    await folder.MoveToAsync(uid, failed, cancellationToken);
                    LogUnmatched(logger, uid.Id, _settings.FailedFolder);
                    break;
                default:
                    // Mail of an erased case is not kept anywhere; without UIDPLUS it stays flagged until the folder is expunged.
                    await folder.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true, cancellationToken);
                    if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                    {
                        await folder.ExpungeAsync([uid], cancellationToken);
                    }
                    break;
            }
            LogRead(logger, uid.Id, intook.Outcome, intook.AlreadyRecorded);
        }
    }

    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        var root = client.PersonalNamespaces.Count > 0
            ? await client.GetFolderAsync(client.PersonalNamespaces[0].Path, cancellationToken)
            : client.Inbox.ParentFolder ?? throw new InvalidOperationException("The IMAP server names no personal namespace.");
        try
        {
            return await root.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"The IMAP server did not make the folder {name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading replies from IMAP folder {Folder} ({Mode})")]
    private static partial void LogConnected(ILogger logger, string folder, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP message {Uid}: {Outcome} (recorded before: {AlreadyRecorded})")]
    private static partial void LogRead(ILogger logger, uint uid, MailboxOutcome outcome, bool alreadyRecorded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP message {Uid} is addressed to no case of ours; moved to {Folder} and listed on the operators' replies page")]
    private static partial void LogUnmatched(ILogger logger, uint uid, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "IMAP message {Uid} could not be recorded ({Error}); it stays in the folder and is read again")]
    private static partial void LogNotRecorded(ILogger logger, uint uid, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the IMAP reply mailbox failed ({Error}); connecting again in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, string error, double seconds, Exception exception);
}

/// <summary>Registers the IMAP reply reader in a worker host.</summary>
public static class ImapReplySetup
{
    /// <summary>Adds the reader when <c>Mail:Inbound:Imap:Host</c> is set; it runs in every worker host then.</summary>
    public static IServiceCollection AddImapReplies(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ImapReplySettings>().Bind(configuration.GetSection("Mail:Inbound:Imap"))
            .Validate(s => !s.Enabled || !string.IsNullOrWhiteSpace(s.UserName), "Mail:Inbound:Imap:UserName is required when Mail:Inbound:Imap:Host is set.")
            // A message moved into the folder it is read from would be read for ever.
            .Validate(s => !s.Enabled || new[] { s.Folder, s.ProcessedFolder, s.FailedFolder }.Distinct(StringComparer.OrdinalIgnoreCase).Count() == 3,
                "Mail:Inbound:Imap:Folder, :ProcessedFolder and :FailedFolder must be three different folders.")
            .Validate(s => s.PollInterval > TimeSpan.Zero && s.IdleRefresh > TimeSpan.Zero && s.MaxReconnectDelay > TimeSpan.Zero,
                "Mail:Inbound:Imap:PollInterval, :IdleRefresh and :MaxReconnectDelay must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ImapReplyReader>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapReplyReader>());
        return services;
    }
}
