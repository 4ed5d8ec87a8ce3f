using Npgsql;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;

namespace Takedown.Application.PlatformReports;

/// <summary>
/// Platform ticket id → report, so a platform's status webhook (which only knows its own ticket) finds the report
/// without scanning streams. Inline: the row exists as soon as the filing commits.
/// </summary>
public sealed class PlatformTicketProjection : IProjection
{
    public string Name => "platform-tickets";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var stored in events)
        {
            if (stored.Data is not PlatformReportFiled filed)
            {
                continue;
            }
            var stream = await context.FetchStreamAsync(stored.StreamId, cancellationToken);
            var platform = stream.Select(e => e.Data).OfType<PlatformReportDrafted>().FirstOrDefault()?.Platform;
            if (platform is null)
            {
                continue;
            }
            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO {context.Schema}.platform_tickets (platform, ticket_id, report_id)
                VALUES (@platform, @ticket, @report) ON CONFLICT (platform, ticket_id) DO NOTHING
                """, context.Connection, context.Transaction);
            command.Parameters.AddWithValue("platform", PlatformKey(platform));
            command.Parameters.AddWithValue("ticket", filed.TicketId);
            command.Parameters.AddWithValue("report", filed.ReportId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = new NpgsqlCommand($"DELETE FROM {context.Schema}.platform_tickets", context.Connection, context.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Platform names are matched without regard to case, as the registry matches them.</summary>
    public static string PlatformKey(string platform) => platform.Trim().ToUpperInvariant();
}
