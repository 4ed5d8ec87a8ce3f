using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.Privacy;

/// <summary>
/// Finishes a master key rotation: when <c>Privacy:PreviousMasterKeys</c> lists old keys, the worker wraps every case
/// key still wrapped with one of them again with <c>Privacy:MasterKey</c>, once at start-up, and seals the webhook
/// subscriptions' secrets again. Only the small wrapped keys and secrets are rewritten; the events and sealed files keep
/// their ciphertext, since the case keys themselves do not change.
/// </summary>
public sealed partial class MasterKeyRotation(NpgsqlDataSource dataSource, DatabaseOptions options, ILogger<MasterKeyRotation> logger)
    : BackgroundService
{
    /// <summary>Rewraps what is left; returns how many keys and secrets were wrapped again and how many no configured key opens.</summary>
    public async Task<(int Rewrapped, int Unreadable)> RunAsync(CancellationToken cancellationToken = default)
    {
        if (options.Protection is not { IsRotating: true } protection)
        {
            return (0, 0);
        }
        var result = await protection.RewrapAsync(dataSource, options.Schema, cancellationToken: cancellationToken);
        LogRewrapped(logger, result.Rewrapped, result.Unreadable);
        var secrets = await Webhooks.WebhookSecretSealing.RewrapAsync(dataSource, options, cancellationToken);
        LogSecretsRewrapped(logger, secrets.Rewrapped, secrets.Unreadable);
        return (result.Rewrapped + secrets.Rewrapped, result.Unreadable + secrets.Unreadable);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The next start tries again; keys wrapped with a previous master key keep opening meanwhile.
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Master key rotation: {Rewrapped} case keys wrapped again with the current master key; {Unreadable} open with no configured master key")]
    private static partial void LogRewrapped(ILogger logger, int rewrapped, int unreadable);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Master key rotation: {Rewrapped} webhook subscription secrets sealed again with the current master key; {Unreadable} open with no configured master key")]
    private static partial void LogSecretsRewrapped(ILogger logger, int rewrapped, int unreadable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Master key rotation failed ({Error}); it runs again at the next start")]
    private static partial void LogFailed(ILogger logger, string error);
}
