using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.EventStore;

namespace Takedown.Application.Privacy;

/// <summary>
/// Erases closed cases once <see cref="PrivacySettings.RetentionAfterClose"/> has passed (GDPR Art. 5(1)(e): kept no
/// longer than needed). Runs in the worker; several workers may run it at once, erasing a case twice is harmless.
/// </summary>
public sealed partial class RetentionSweep(
    CaseErasure erasure, NpgsqlDataSource dataSource, EventStoreOptions options, IOptions<PrivacySettings> settings, TimeProvider time,
    ILogger<RetentionSweep> logger) : BackgroundService
{
    /// <summary>Erases every closed case past its retention; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var due = new List<Guid>();
        await using (var command = dataSource.CreateCommand(
            $"SELECT id FROM {options.Schema}.case_overview WHERE status = 'Closed' AND updated_at <= $1 ORDER BY updated_at LIMIT 500"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - settings.Value.RetentionAfterClose });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetGuid(0));
            }
        }
        foreach (var caseId in due)
        {
            await erasure.EraseAsync(caseId, "system:retention", cancellationToken);
        }
        if (due.Count > 0)
        {
            LogSwept(logger, due.Count);
        }
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogSweepFailed(logger, e.GetType().Name);
            }
            try
            {
                await Task.Delay(settings.Value.RetentionSweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Count} closed cases")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed ({Error}); trying again later")]
    private static partial void LogSweepFailed(ILogger logger, string error);
}
