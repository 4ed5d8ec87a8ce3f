using JasperFx.Events;
using Marten;
using Takedown.Application.ReadModels;
using Takedown.Domain.PlatformReports;

namespace Takedown.Application.PlatformReports;

/// <summary>
/// Platform ticket id → report, so a platform's status webhook (which only knows its own ticket) finds the report
/// without scanning streams. Inline: the row exists as soon as the filing commits.
/// </summary>
public sealed class PlatformTicketProjection(string schema) : TableProjection
{
    public override string Name => "platform-tickets";

    public override async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        var filings = events.Where(e => e.Data is PlatformReportFiled).ToList();
        if (filings.Count == 0)
        {
            return;
        }
        var streams = await WholeStreamsAsync(operations, events, [.. filings.Select(e => e.StreamId).Distinct()], cancellation);
        foreach (var e in filings)
        {
            var filed = (PlatformReportFiled)e.Data;
            if (streams.GetValueOrDefault(e.StreamId)?.Select(s => s.Data).OfType<PlatformReportDrafted>().FirstOrDefault()?.Platform is not { } platform)
            {
                continue;
            }
            Queue(operations, $"""
                INSERT INTO {schema}.platform_tickets (platform, ticket_id, report_id)
                VALUES (@platform, @ticket, @report) ON CONFLICT (platform, ticket_id) DO NOTHING
                """, ("platform", PlatformKey(platform)), ("ticket", filed.TicketId), ("report", filed.ReportId));
        }
    }

    /// <summary>Platform names are matched without regard to case, as the registry matches them.</summary>
    public static string PlatformKey(string platform) => platform.Trim().ToUpperInvariant();
}
