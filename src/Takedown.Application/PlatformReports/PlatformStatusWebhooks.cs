using System.Text.Json;
using Npgsql;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Webhooks;

namespace Takedown.Application.PlatformReports;

/// <summary>What became of one verified status webhook.</summary>
public enum StatusWebhookOutcome
{
    /// <summary>Events were appended to the report.</summary>
    Applied,

    /// <summary>The update was already the report's state: nothing to append.</summary>
    NoChange,

    /// <summary>This <c>webhook-id</c> was seen before for the integration; nothing was done a second time.</summary>
    Duplicate,

    /// <summary>An update older than one already applied (deliveries overtook each other); recorded, not applied.</summary>
    Stale,

    /// <summary>The update contradicts what the report already holds (a refusal after a removal); recorded, not applied.</summary>
    Conflict,

    /// <summary>The event type is not a notice status update; recorded, not applied.</summary>
    Ignored,

    /// <summary>No report carries this ticket (yet): nothing stored, so a later retry by the platform can still apply it.</summary>
    UnknownTicket,
}

/// <summary>A platform's status update as the webhook endpoint hands it over, after the signature was verified.</summary>
/// <param name="Integration">The configured incoming integration the webhook came through.</param>
/// <param name="Platform">The platform (registry name) the integration's updates are about.</param>
/// <param name="WebhookId">The sender's <c>webhook-id</c>: the same on every retry of one delivery.</param>
/// <param name="Update">The parsed update.</param>
/// <param name="RawStatus">The platform's own wording of the status, kept on the report as it came.</param>
public sealed record PlatformStatusUpdate(string Integration, string Platform, string WebhookId, NoticeStatusWebhook Update, string RawStatus)
{
    /// <summary>Parses a verified body; null when it is not JSON or lacks the ticket and status.</summary>
    public static PlatformStatusUpdate? Parse(string integration, string platform, string webhookId, ReadOnlySpan<byte> body)
    {
        if (!NoticeStatusWebhook.TryParse(body, out var update) || update is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(body.ToArray());
        var status = document.RootElement.GetProperty("data").GetProperty("status").GetString() ?? "";
        return new PlatformStatusUpdate(integration, platform, webhookId, update, status);
    }
}

/// <summary>
/// Applies verified platform status webhooks to platform reports. The webhook id is stored in the same transaction
/// as the events it causes, so a delivery retried by the platform (or replayed by someone who captured it within
/// the signature's five minutes) is acknowledged without a second effect.
/// </summary>
public sealed class PlatformStatusWebhooks(EventStore.EventStore store, DeadlineEngine engine, TimeProvider time)
{
    private static readonly string[] RestrictedWords = ["RESTRICTED", "CONTENT_RESTRICTED", "VISIBILITY_RESTRICTED", "GEO_BLOCKED"];

    /// <summary>Applies one update: inbox row, report lookup by ticket, decide, append, all in one transaction.</summary>
    public async Task<(StatusWebhookOutcome Outcome, Guid? ReportId)> ApplyAsync(PlatformStatusUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        // Two deliveries for one report lock the same ticket row and queue; a stream conflict needs a rare race with
        // another writer (the filing handler), and then a fresh attempt sees its events.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyOnceAsync(update, cancellationToken);
            }
            catch (StreamVersionConflictException) when (attempt < 3)
            {
            }
        }
    }

    private async Task<(StatusWebhookOutcome, Guid?)> ApplyOnceAsync(PlatformStatusUpdate update, CancellationToken cancellationToken)
    {
        var schema = store.Options.Schema;
        var now = time.GetUtcNow();
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var inbox = new NpgsqlCommand(
            $"""
            INSERT INTO {schema}.webhook_inbox (integration, webhook_id, received_at, outcome)
            VALUES (@integration, @id, @now, 'received') ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            inbox.Parameters.AddWithValue("integration", update.Integration);
            inbox.Parameters.AddWithValue("id", update.WebhookId);
            inbox.Parameters.AddWithValue("now", now);
            if (await inbox.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return (StatusWebhookOutcome.Duplicate, null);
            }
        }

        if (update.Update.Type != NoticeStatusWebhook.StatusChangedType)
        {
            await FinishAsync(connection, transaction, update, null, StatusWebhookOutcome.Ignored, null, cancellationToken);
            return (StatusWebhookOutcome.Ignored, null);
        }

        Guid reportId;
        DateTimeOffset? lastUpdate;
        await using (var lookup = new NpgsqlCommand(
            $"SELECT report_id, last_update_at FROM {schema}.platform_tickets WHERE platform = @platform AND ticket_id = @ticket FOR UPDATE",
            connection, transaction))
        {
            lookup.Parameters.AddWithValue("platform", PlatformTicketProjection.PlatformKey(update.Platform));
            lookup.Parameters.AddWithValue("ticket", update.Update.TicketId);
            await using var reader = await lookup.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                // Rolled back: the inbox row goes too, so the platform's retry after our filing commits is applied.
                return (StatusWebhookOutcome.UnknownTicket, null);
            }
            reportId = reader.GetGuid(0);
            lastUpdate = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        }

        var updatedAt = update.Update.UpdatedAt == default ? (DateTimeOffset?)null : update.Update.UpdatedAt;
        if (updatedAt is { } at && lastUpdate is { } last && at < last)
        {
            await FinishAsync(connection, transaction, update, reportId, StatusWebhookOutcome.Stale, null, cancellationToken);
            return (StatusWebhookOutcome.Stale, reportId);
        }

        var session = store.OpenSession(connection, transaction,
            new EventMetadata(update.WebhookId, null, "integration:" + update.Integration));
        var stream = await session.Events.FetchForWritingAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken);
        object[] events;
        try
        {
            events = Decide(stream.Aggregate, update, now);
        }
        catch (DomainRuleViolated)
        {
            await FinishAsync(connection, transaction, update, reportId, StatusWebhookOutcome.Conflict, updatedAt, cancellationToken);
            return (StatusWebhookOutcome.Conflict, reportId);
        }
        stream.AppendMany(events);
        await session.SaveChangesAsync(cancellationToken);
        var outcome = events.Length == 0 ? StatusWebhookOutcome.NoChange : StatusWebhookOutcome.Applied;
        await FinishAsync(connection, transaction, update, reportId, outcome, updatedAt, cancellationToken);
        return (outcome, reportId);
    }

    /// <summary>
    /// The platform's status is recorded as it came; a decision (removed, restricted, refused with its DSA Art. 17
    /// statement of reasons) becomes the matching domain event. A refusal opens the DSA Art. 20 internal complaint window.
    /// </summary>
    private object[] Decide(PlatformReport report, PlatformStatusUpdate update, DateTimeOffset now)
    {
        var events = new List<object>();
        var state = report;
        void Run(object command)
        {
            var decided = PlatformReport.Decide(command, state, engine);
            events.AddRange(decided);
            state = decided.Aggregate(state, PlatformReport.Evolve);
        }

        var status = update.RawStatus.Trim().ToLowerInvariant();
        Run(new RecordPlatformStatus(report.Id, status, now));
        var reasons = update.Update.StatementOfReasons ?? "";
        if (RestrictedWords.Contains(update.RawStatus.Trim().ToUpperInvariant()))
        {
            Run(new RecordContentRestricted(report.Id, status, reasons, now));
        }
        else if (update.Update.State == NoticeState.ContentRemoved)
        {
            Run(new RecordContentRemoved(report.Id, now));
        }
        else if (update.Update.State == NoticeState.Refused)
        {
            Run(new RecordContentRemovalRefused(report.Id, reasons, now));
        }
        return [.. events];
    }

    private async Task FinishAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PlatformStatusUpdate update, Guid? reportId,
        StatusWebhookOutcome outcome, DateTimeOffset? updatedAt, CancellationToken cancellationToken)
    {
        var schema = store.Options.Schema;
        await using var batch = new NpgsqlBatch(connection, transaction);
        var inbox = new NpgsqlBatchCommand(
            $"UPDATE {schema}.webhook_inbox SET outcome = @outcome, report_id = @report WHERE integration = @integration AND webhook_id = @id");
        inbox.Parameters.AddWithValue("outcome", outcome.ToString().ToLowerInvariant());
        inbox.Parameters.AddWithValue("report", (object?)reportId ?? DBNull.Value);
        inbox.Parameters.AddWithValue("integration", update.Integration);
        inbox.Parameters.AddWithValue("id", update.WebhookId);
        batch.BatchCommands.Add(inbox);
        if (updatedAt is { } at)
        {
            var ticket = new NpgsqlBatchCommand(
                $"""
                UPDATE {schema}.platform_tickets SET last_update_at = greatest(last_update_at, @at)
                WHERE platform = @platform AND ticket_id = @ticket
                """);
            ticket.Parameters.AddWithValue("at", at);
            ticket.Parameters.AddWithValue("platform", PlatformTicketProjection.PlatformKey(update.Platform));
            ticket.Parameters.AddWithValue("ticket", update.Update.TicketId);
            batch.BatchCommands.Add(ticket);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
