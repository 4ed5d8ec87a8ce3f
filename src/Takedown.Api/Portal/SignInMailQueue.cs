using System.Threading.Channels;
using Takedown.Application.Portal;

namespace Takedown.Api.Portal;

/// <summary>
/// Sign-in mails wait here and go out in the background, so the page never waits on SMTP. In-process for now; the
/// durable outbox takes this place once messaging is part of the host (the handler stays as it is).
/// </summary>
public sealed class SignInMailQueue
{
    private readonly Channel<SendSignInLink> _channel = Channel.CreateBounded<SendSignInLink>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>False when the queue is full (a flood of sign-in requests); the page looks the same either way.</summary>
    public bool Publish(SendSignInLink message) => _channel.Writer.TryWrite(message);

    internal ChannelReader<SendSignInLink> Reader => _channel.Reader;
}

internal sealed partial class SignInMailSender(SignInMailQueue queue, SendSignInLinkHandler handler, ILogger<SignInMailSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                try
                {
                    await handler.HandleAsync(message, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is System.Net.Mail.SmtpException or IOException or InvalidOperationException)
                {
                    // The exception type only: its message may quote the address.
                    LogFailed(logger, attempt, e.GetType().Name);
                    if (attempt < 3)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(attempt * 2), stoppingToken);
                    }
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a sign-in link failed (attempt {Attempt}): {ErrorType}")]
    private static partial void LogFailed(ILogger logger, int attempt, string errorType);
}
