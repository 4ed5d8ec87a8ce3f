using Npgsql;
using Takedown.EventStore;

namespace Takedown.Api.Portal;

/// <summary>
/// The portal's schema steps at start-up, then, in the background, the sealing of diary attachments stored before
/// attachments were sealed (<see cref="PortalDiary.SealPlaintextAttachmentsAsync"/>). The host need not wait for the
/// second: readers take both forms, and a pass cut short by a stop continues at the next start.
/// </summary>
internal sealed partial class PortalMigration(
    NpgsqlDataSource dataSource, EventStoreOptions options, PortalDiary diary, ILogger<PortalMigration> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _sealing = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SchemaMigrator.MigrateAsync(dataSource, options.Schema, PortalSchema.Component, PortalSchema.Steps, cancellationToken);
        _sealing = Task.Run(() => SealAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _sealing.WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task SealAsync(CancellationToken cancellationToken)
    {
        try
        {
            var count = await diary.SealPlaintextAttachmentsAsync(cancellationToken);
            if (count > 0)
            {
                LogSealed(logger, count);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
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
