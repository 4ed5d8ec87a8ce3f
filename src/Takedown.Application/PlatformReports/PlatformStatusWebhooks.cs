using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Npgsql;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Takedown.Application.Webhooks;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Application.Sealing;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Webhooks;

namespace Takedown.Application.PlatformReports;

/// <summary>What became of one verified status webhook.</summary>
public enum StatusWebhookOutcome
{
    /// <summary>Stored in the inbox for a report we know: it is applied moments later, in order, exactly once.</summary>
    Accepted,

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

    /// <summary>Applying failed on every attempt; the row waits in the inbox for an operator, with its error.</summary>
    Failed,
}

/// <summary>A status update the inbox processor gave up on, as operators see it.</summary>
public sealed record FailedStatusUpdate(string Integration, string WebhookId, Guid ReportId, int Attempts, string Error, DateTimeOffset ReceivedAt);

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
/// Verified platform status webhooks: <see cref="AcceptAsync"/> stores one in the inbox in a single statement (the
/// platform gets its answer as soon as the update is durable), and <see cref="ApplyPendingAsync"/> applies what
/// waits there to the reports, many updates in one transaction. The <c>webhook-id</c> is the inbox's key, so a
/// delivery retried by the platform (or replayed by someone who captured it within the signature's five minutes) is
/// acknowledged without a second effect; an update is marked done in the transaction that appends its events.
/// </summary>
/// <remarks>
/// A body can quote the reported content (a statement of reasons). It is cleared once applied; a body that waits
/// longer (an update whose applying failed and is retried later or left for an operator, or one that a host that does
/// not apply received) is sealed with the key of its report's case (<see cref="SealWaitingAsync"/>), so erasing the
/// case makes it unreadable in any copy of the row. The accept stays one statement and never seals: finding the case
/// and its key would cost round trips while the platform waits.
/// </remarks>
public sealed class PlatformStatusWebhooks(
    IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, DeadlineEngine engine, TimeProvider time, IncomingWebhookIntegrations integrations)
{
    /// <summary>Attempts to apply one update before it is marked failed and left for an operator.</summary>
    public const int MaxAttempts = 8;

    private static readonly string[] RestrictedWords = ["RESTRICTED", "CONTENT_RESTRICTED", "VISIBILITY_RESTRICTED", "GEO_BLOCKED"];

    private string Schema => options.Schema;

    /// <summary>
    /// Stores a verified update in the inbox when its ticket belongs to one of our reports, in one statement:
    /// <see cref="StatusWebhookOutcome.Accepted"/>, <see cref="StatusWebhookOutcome.Duplicate"/> (this id was seen),
    /// <see cref="StatusWebhookOutcome.Ignored"/> (not a status update; recorded only) or
    /// <see cref="StatusWebhookOutcome.UnknownTicket"/> (nothing stored).
    /// </summary>
    public async Task<StatusWebhookOutcome> AcceptAsync(
        PlatformStatusUpdate update, ReadOnlyMemory<byte> body, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var ignored = update.Update.Type != NoticeStatusWebhook.StatusChangedType;
        await using var command = dataSource.CreateCommand(ignored
            ? $"""
              WITH ins AS (
                  INSERT INTO {Schema}.webhook_inbox (integration, webhook_id, received_at, next_attempt_at, outcome)
                  VALUES ($1, $2, $3, $3, 'ignored') ON CONFLICT DO NOTHING RETURNING 1)
              SELECT true, EXISTS (SELECT 1 FROM ins)
              """
            : $"""
              WITH ticket AS (SELECT report_id FROM {Schema}.platform_tickets WHERE platform = $4 AND ticket_id = $5),
              ins AS (
                  INSERT INTO {Schema}.webhook_inbox (integration, webhook_id, received_at, next_attempt_at, outcome, report_id, body, trace_parent)
                  SELECT $1, $2, $3, $3, 'pending', report_id, $6, $7 FROM ticket
                  ON CONFLICT DO NOTHING RETURNING 1)
              SELECT EXISTS (SELECT 1 FROM ticket), EXISTS (SELECT 1 FROM ins)
              """);
        command.Parameters.Add(new NpgsqlParameter { Value = update.Integration });
        command.Parameters.Add(new NpgsqlParameter { Value = update.WebhookId });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        if (!ignored)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = PlatformTicketProjection.PlatformKey(update.Platform) });
            command.Parameters.Add(new NpgsqlParameter { Value = update.Update.TicketId });
            command.Parameters.Add(new NpgsqlParameter { Value = body.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)traceParent ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (known, inserted) = (reader.GetBoolean(0), reader.GetBoolean(1));
        return !known ? StatusWebhookOutcome.UnknownTicket
            : !inserted ? StatusWebhookOutcome.Duplicate
            : ignored ? StatusWebhookOutcome.Ignored
            : StatusWebhookOutcome.Accepted;
    }

    /// <summary>
    /// Applies up to <paramref name="batchSize"/> waiting updates in received order, in one transaction: the rows are
    /// claimed with <c>FOR UPDATE SKIP LOCKED</c> (several processes can share the inbox), their tickets locked, their
    /// reports loaded in one round trip, decided in order, appended, and marked done. When the batch fails, each of its
    /// updates is tried on its own, so one bad update only delays itself: retried with backoff, then marked failed.
    /// Returns how many updates were finished (applied, or given up on).
    /// </summary>
    public async Task<int> ApplyPendingAsync(int batchSize, CancellationToken cancellationToken)
    {
        var claimed = new List<Pending>();
        try
        {
            return await ApplyAsync(null, batchSize, claimed, cancellationToken);
        }
        catch (Exception e) when (claimed.Count > 0 && !cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            var finished = 0;
            foreach (var item in claimed)
            {
                try
                {
                    finished += await ApplyAsync(item.Key, 1, [], cancellationToken);
                }
                catch (Exception single) when (!cancellationToken.IsCancellationRequested && single is not OutOfMemoryException)
                {
                    finished += await RecordFailureAsync(item, single, cancellationToken) ? 1 : 0;
                }
            }
            return finished;
        }
    }

    /// <summary>Status updates that failed on every attempt, oldest first: ids, counts and the error's type, never the body.</summary>
    public async Task<IReadOnlyList<FailedStatusUpdate>> ListFailedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT integration, webhook_id, report_id, attempts, last_error, received_at FROM {Schema}.webhook_inbox
            WHERE outcome = 'failed' ORDER BY received_at LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var result = new List<FailedStatusUpdate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new FailedStatusUpdate(reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? "" : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return result;
    }

    /// <summary>
    /// Puts a failed update back in line, with fresh attempts, inside the caller's transaction (so the operator's audit
    /// event commits with it). Returns its report, or null when no failed update has this key (retried already).
    /// </summary>
    public async Task<Guid?> RetryFailedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string integration, string webhookId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE {Schema}.webhook_inbox SET outcome = 'pending', attempts = 0, next_attempt_at = @now, last_error = NULL
            WHERE integration = @integration AND webhook_id = @id AND outcome = 'failed'
            RETURNING report_id
            """, connection, transaction);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("integration", integration);
        command.Parameters.AddWithValue("id", webhookId);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid report ? report : null;
    }

    /// <summary>
    /// Seals the plaintext bodies of updates that wait (pending or failed) and were received at or before
    /// <paramref name="receivedBefore"/>, with the key of their report's case, in batches of <paramref name="batchSize"/>,
    /// each in its own transaction (rows taken <c>FOR UPDATE SKIP LOCKED</c>: a processor applying a row meanwhile clears
    /// it instead). A row whose case key was destroyed belongs to an erased case and is deleted; a row whose report
    /// belongs to no case is left as it is (applying it ignores it and clears the body). Returns how many rows were
    /// sealed or deleted.
    /// </summary>
    public async Task<int> SealWaitingAsync(DateTimeOffset receivedBefore, int batchSize = 64, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = new List<(InboxKey Key, byte[] Body, Guid CaseId)>();
            await using (var select = new NpgsqlCommand(
                $"""
                SELECT i.integration, i.webhook_id, i.body, s.case_id
                FROM {Schema}.webhook_inbox i JOIN {Schema}.case_streams s ON s.stream_id = i.report_id
                WHERE i.outcome IN ('pending', 'failed') AND i.body IS NOT NULL AND i.sealed_for IS NULL AND i.received_at <= @before
                  AND s.case_id IS NOT NULL
                ORDER BY i.received_at LIMIT @limit FOR UPDATE OF i SKIP LOCKED
                """, connection, transaction))
            {
                select.Parameters.AddWithValue("before", receivedBefore);
                select.Parameters.AddWithValue("limit", batchSize);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((new InboxKey(reader.GetString(0), reader.GetString(1)), reader.GetFieldValue<byte[]>(2), reader.GetGuid(3)));
                }
            }
            if (rows.Count == 0)
            {
                return total;
            }
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (key, body, caseId) in rows)
            {
                var sealedBody = await Protection.SealAsync(dataSource, Schema, time, caseId, body, Context(key), cancellationToken);
                var command = new NpgsqlBatchCommand(sealedBody is null
                    ? $"DELETE FROM {Schema}.webhook_inbox WHERE integration = $1 AND webhook_id = $2"
                    : $"UPDATE {Schema}.webhook_inbox SET body = $3, sealed_for = $4 WHERE integration = $1 AND webhook_id = $2");
                command.Parameters.Add(new NpgsqlParameter { Value = key.Integration });
                command.Parameters.Add(new NpgsqlParameter { Value = key.WebhookId });
                if (sealedBody is not null)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = sealedBody });
                    command.Parameters.Add(new NpgsqlParameter { Value = caseId });
                }
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            total += rows.Count;
        }
    }

    private readonly record struct InboxKey(string Integration, string WebhookId);

    /// <summary>A claimed update: its body as stored (sealed when <paramref name="SealedFor"/> is set) and its report's case.</summary>
    private sealed record Pending(InboxKey Key, Guid ReportId, byte[]? Body, string? TraceParent, Guid? SealedFor, Guid? CaseId, byte[]? WrappedKey)
    {
        /// <summary>The body as the platform sent it, or null when it cannot be read any more (its case was erased).</summary>
        public byte[]? Plaintext(PersonalDataProtection protection) =>
            Body is null ? null : SealedFor is { } subject ? protection.Open(subject, WrappedKey, Body, Context(Key)) : Body;
    }

    private PersonalDataProtection Protection => options.Protection
        ?? throw new InvalidOperationException("Personal data protection is not configured: waiting status updates cannot be sealed.");

    /// <summary>Bound into a sealed body with the case: a body copied to another update's row does not open.</summary>
    private static byte[] Context(InboxKey key) =>
        [.. Encoding.UTF8.GetBytes(key.Integration), 0, .. Encoding.UTF8.GetBytes(key.WebhookId), 0, .. "webhook_inbox.body"u8];

    private async Task<int> ApplyAsync(InboxKey? only, int batchSize, List<Pending> claimed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var pending = new List<Pending>();
        // The case (to seal the body should applying fail) and the key a sealed body opens with come in the same
        // round trip; the key is never taken from a cache, so one destroyed by another process counts at once.
        await using (var claim = new NpgsqlCommand(
            $"""
            SELECT i.integration, i.webhook_id, i.report_id, i.body, i.trace_parent, i.sealed_for, s.case_id, k.key
            FROM {Schema}.webhook_inbox i
            LEFT JOIN {Schema}.case_streams s ON s.stream_id = i.report_id
            LEFT JOIN {Schema}.encryption_keys k ON k.subject_id = i.sealed_for
            WHERE i.outcome = 'pending' AND i.next_attempt_at <= @now {(only is null ? "" : "AND i.integration = @integration AND i.webhook_id = @id")}
            ORDER BY i.next_attempt_at, i.received_at LIMIT @limit FOR UPDATE OF i SKIP LOCKED
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("now", now);
            claim.Parameters.AddWithValue("limit", batchSize);
            if (only is { } key)
            {
                claim.Parameters.AddWithValue("integration", key.Integration);
                claim.Parameters.AddWithValue("id", key.WebhookId);
            }
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                T? N<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
                pending.Add(new Pending(new InboxKey(reader.GetString(0), reader.GetString(1)), reader.GetGuid(2),
                    N<byte[]>(3), N<string>(4), N<Guid?>(5), N<Guid?>(6), N<byte[]>(7)));
            }
        }
        if (pending.Count == 0)
        {
            return 0;
        }
        claimed.AddRange(pending);
        // One span for the batch, linked to each update's incoming request.
        var links = pending
            .Select(p => p.TraceParent is { } parent && ActivityContext.TryParse(parent, null, out var context) ? new ActivityLink(context) : (ActivityLink?)null)
            .OfType<ActivityLink>()
            .ToList();
        using var activity = TakedownMetrics.Source.StartActivity("apply status webhooks", ActivityKind.Consumer, default(ActivityContext), links: links);
        activity?.SetTag("takedown.webhooks.count", pending.Count);

        // The ticket rows are the reports' locks (taken in one order, so two processes never deadlock); they also
        // hold the newest update time applied so far.
        var reportIds = pending.Select(p => p.ReportId).Distinct().Order().ToArray();
        var lastUpdate = new Dictionary<Guid, DateTimeOffset?>();
        await using (var tickets = new NpgsqlCommand(
            $"SELECT report_id, last_update_at FROM {Schema}.platform_tickets WHERE report_id = ANY(@ids) ORDER BY report_id FOR UPDATE",
            connection, transaction))
        {
            tickets.Parameters.AddWithValue("ids", reportIds);
            await using var reader = await tickets.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lastUpdate[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var session = store.OpenSession(transaction, new EventMetadata(Actor: "system"));
        var streams = await session.FetchManyForWritingAsync(reportIds, PlatformReport.Initial, cancellationToken);
        var states = streams.ToDictionary(s => s.Key, s => s.Value.Aggregate);
        var outcomes = new List<(InboxKey Key, StatusWebhookOutcome Outcome)>();
        foreach (var item in pending)
        {
            var platform = integrations.Find(item.Key.Integration)?.Platform ?? "";
            if (item.Plaintext(Protection) is not { } body
                || PlatformStatusUpdate.Parse(item.Key.Integration, platform, item.Key.WebhookId, body) is not { } update
                || !lastUpdate.ContainsKey(item.ReportId) || states[item.ReportId].Id == Guid.Empty)
            {
                // Verified and parsed when it came in; unreadable now only if the report's ticket was erased with its case
                // (its key destroyed).
                outcomes.Add((item.Key, StatusWebhookOutcome.Ignored));
                continue;
            }
            var updatedAt = update.Update.UpdatedAt == default ? (DateTimeOffset?)null : update.Update.UpdatedAt;
            if (updatedAt is { } at && lastUpdate[item.ReportId] is { } last && at < last)
            {
                outcomes.Add((item.Key, StatusWebhookOutcome.Stale));
                continue;
            }
            object[] events;
            try
            {
                events = Decide(states[item.ReportId], update, now);
            }
            catch (DomainRuleViolated)
            {
                outcomes.Add((item.Key, StatusWebhookOutcome.Conflict));
                lastUpdate[item.ReportId] = Max(lastUpdate[item.ReportId], updatedAt);
                continue;
            }
            streams[item.ReportId].AppendMany(events, new EventMetadata(item.Key.WebhookId, null, "integration:" + item.Key.Integration, item.TraceParent));
            states[item.ReportId] = events.Aggregate(states[item.ReportId], PlatformReport.Evolve);
            lastUpdate[item.ReportId] = Max(lastUpdate[item.ReportId], updatedAt);
            outcomes.Add((item.Key, events.Length == 0 ? StatusWebhookOutcome.NoChange : StatusWebhookOutcome.Applied));
        }
        await session.SaveChangesAsync(cancellationToken);

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var done = new NpgsqlBatchCommand(
                $"""
                UPDATE {Schema}.webhook_inbox i SET outcome = u.outcome, body = NULL, processed_at = @now, last_error = NULL
                FROM unnest(@integrations, @ids, @outcomes) AS u(integration, webhook_id, outcome)
                WHERE i.integration = u.integration AND i.webhook_id = u.webhook_id
                """);
            done.Parameters.AddWithValue("now", now);
            done.Parameters.AddWithValue("integrations", outcomes.Select(o => o.Key.Integration).ToArray());
            done.Parameters.AddWithValue("ids", outcomes.Select(o => o.Key.WebhookId).ToArray());
            done.Parameters.AddWithValue("outcomes", outcomes.Select(o => o.Outcome.ToString().ToLowerInvariant()).ToArray());
            batch.BatchCommands.Add(done);
            var times = lastUpdate.Where(t => t.Value is not null).ToArray();
            if (times.Length > 0)
            {
                var ticket = new NpgsqlBatchCommand(
                    $"""
                    UPDATE {Schema}.platform_tickets t SET last_update_at = u.at
                    FROM unnest(@reports, @ats) AS u(report_id, at) WHERE t.report_id = u.report_id
                    """);
                ticket.Parameters.AddWithValue("reports", times.Select(t => t.Key).ToArray());
                ticket.Parameters.AddWithValue("ats", times.Select(t => t.Value!.Value).ToArray());
                batch.BatchCommands.Add(ticket);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var group in outcomes.GroupBy(o => o.Outcome))
        {
            TakedownMetrics.WebhooksApplied.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key.ToString().ToLowerInvariant()));
        }
        return pending.Count;
    }

    /// <summary>
    /// One update failed on its own: it is tried again after a growing pause, and after <see cref="MaxAttempts"/>
    /// marked failed with the error's type (never its message: it may quote the update). True when it was given up on.
    /// Its body now waits (seconds, or until an operator retries it), so a plaintext body is sealed with its case's key
    /// in the same statement; one sealed meanwhile by someone else stays as it is.
    /// </summary>
    private async Task<bool> RecordFailureAsync(Pending item, Exception error, CancellationToken cancellationToken)
    {
        byte[]? sealedBody = null;
        if (item is { SealedFor: null, Body: { } body, CaseId: { } caseId })
        {
            sealedBody = await Protection.SealAsync(dataSource, Schema, time, caseId, body, Context(item.Key), cancellationToken);
        }
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE {Schema}.webhook_inbox
            SET attempts = attempts + 1,
                outcome = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE outcome END,
                next_attempt_at = $4 + make_interval(secs => least(300, power(2, attempts + 1))),
                last_error = $5,
                body = CASE WHEN sealed_for IS NULL AND $6::bytea IS NOT NULL THEN $6 ELSE body END,
                sealed_for = CASE WHEN sealed_for IS NULL AND $6::bytea IS NOT NULL THEN $7 ELSE sealed_for END
            WHERE integration = $1 AND webhook_id = $2 AND outcome = 'pending'
            RETURNING outcome
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = item.Key.Integration });
        command.Parameters.Add(new NpgsqlParameter { Value = item.Key.WebhookId });
        command.Parameters.Add(new NpgsqlParameter { Value = MaxAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = error.GetType().Name });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sealedBody ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)item.CaseId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var outcome = await command.ExecuteScalarAsync(cancellationToken) as string;
        if (outcome == "failed")
        {
            TakedownMetrics.WebhooksApplied.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        }
        return outcome == "failed";
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

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
        // Like the other status words (NoticeStatusWebhook.ParseState): any letter case, but no padding.
        if (RestrictedWords.Contains(update.RawStatus.ToUpperInvariant()))
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
}
