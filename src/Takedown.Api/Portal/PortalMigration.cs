using Npgsql;
using Takedown.EventStore;

namespace Takedown.Api.Portal;

/// <summary>
/// The portal's schema steps at start-up, then, in the background, the sealing of diary attachments stored before
/// attachments were sealed (<see cref="PortalDiary.SealPlaintextAttachmentsAsync"/>). The host need not wait for the
/// second: readers take both forms, and a pass cut short by a stop continues at the next start.
/// </summary>
internal sealed partial class PortalMigration(
    NpgsqlDataSource dataSource, EventStoreOptions options, PortalDiary diary, ILogger<PortalMigration> logger) : BackgroundService
{
    // A BackgroundService because a host may dispose its services while it is still stopping them (the test factory
    // does): BackgroundService only cancels on disposal, where a token source of our own would be disposed under us.
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SchemaMigrator.MigrateAsync(dataSource, options.Schema, PortalSchema.Component, PortalSchema.Steps, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var count = await diary.SealPlaintextAttachmentsAsync(stoppingToken);
            if (count > 0)
            {
                LogSealed(logger, count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogSealingFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Count} diary attachments stored in plaintext")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing plaintext diary attachments failed ({Error}); the next start tries again")]
    private static partial void LogSealingFailed(ILogger logger, string error);
}
