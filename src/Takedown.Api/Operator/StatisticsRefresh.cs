using Microsoft.Extensions.Options;

namespace Takedown.Api.Operator;

/// <summary>
/// Computes the statistics snapshot every <see cref="StatisticsSnapshotSettings.RefreshSeconds"/> in the API host, so
/// page views find fresh figures and rarely compute them themselves. Every API instance runs one; the advisory lock
/// in <see cref="StatisticsSnapshots"/> keeps them from computing at the same moment.
/// </summary>
public sealed partial class StatisticsRefresh(
    StatisticsSnapshots snapshots, IOptions<StatisticsSnapshotSettings> settings, TimeProvider time, ILogger<StatisticsRefresh> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Value.RefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await snapshots.RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A database outage or a failed query must not stop the API: page views compute the figures
                    // themselves when they are too old, and the next tick tries again. Only the exception's type is
                    // logged: a message could quote data.
                    LogRefreshFailed(logger, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics snapshot refresh failed ({Error}); trying again at the next interval")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
