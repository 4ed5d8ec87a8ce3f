using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.Privacy;

/// <summary>
/// Erases closed cases once <see cref="PrivacySettings.RetentionAfterClose"/> has passed, and deletes mail matched to
/// no case once <see cref="PrivacySettings.UnmatchedMailRetention"/> has (GDPR Art. 5(1)(e): kept no longer than
/// needed). Runs in the worker; several workers may run it at once, erasing a case twice is harmless.
/// </summary>
public sealed partial class RetentionSweep(
    CaseErasure erasure, NpgsqlDataSource dataSource, DatabaseOptions options, IOptions<PrivacySettings> settings, TimeProvider time,
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

    /// <summary>
    /// Deletes mail matched to no case that is past <see cref="PrivacySettings.UnmatchedMailRetention"/>, then destroys
    /// the keys of the months whose unmatched mail is all past it, so a backup holding those rows holds nothing readable.
    /// Returns how many messages were deleted and how many keys destroyed.
    /// </summary>
    public async Task<(int Deleted, int KeysDestroyed)> SweepUnmatchedMailAsync(CancellationToken cancellationToken = default)
    {
        var protection = options.Protection
            ?? throw new InvalidOperationException("Personal data protection is not configured: unmatched mail cannot be swept.");
        var now = time.GetUtcNow();
        var cutoff = now - settings.Value.UnmatchedMailRetention;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        int deleted;
        // Rows written before replies were sealed and matched to nothing (sealed_for NULL, no request) count too.
        await using (var delete = new NpgsqlCommand($"""
            DELETE FROM {options.Schema}.inbound_mail
            WHERE received_at < @cutoff AND (sealed_for BETWEEN @first AND @last OR sealed_for IS NULL AND request_id IS NULL)
            """, connection))
        {
            delete.Parameters.AddWithValue("cutoff", cutoff);
            delete.Parameters.AddWithValue("first", Replies.UnmatchedMail.First);
            delete.Parameters.AddWithValue("last", Replies.UnmatchedMail.Last);
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        // A month's key goes once the month ended before the cutoff: all its mail is past retention and deleted above.
        var expired = new List<Guid>();
        await using (var select = new NpgsqlCommand($"""
            SELECT subject_id FROM {options.Schema}.encryption_keys
            WHERE subject_id >= @first AND subject_id < @kept AND key IS NOT NULL
            """, connection))
        {
            select.Parameters.AddWithValue("first", Replies.UnmatchedMail.First);
            select.Parameters.AddWithValue("kept", Replies.UnmatchedMail.KeySubject(cutoff));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add(reader.GetGuid(0));
            }
        }
        foreach (var subject in expired)
        {
            await protection.DestroyKeyAsync(connection, null, options.Schema, subject, now, cancellationToken);
        }
        if (deleted > 0 || expired.Count > 0)
        {
            LogUnmatchedSwept(logger, deleted, expired.Count);
        }
        return (deleted, expired.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
                await SweepUnmatchedMailAsync(stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} unmatched mails, destroyed {Keys} keys of unmatched mail")]
    private static partial void LogUnmatchedSwept(ILogger logger, int count, int keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed ({Error}); trying again later")]
    private static partial void LogSweepFailed(ILogger logger, string error);
}
