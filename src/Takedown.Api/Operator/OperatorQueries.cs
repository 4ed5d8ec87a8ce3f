using Npgsql;
using Takedown.Application.ReadModels;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Operator;

/// <summary>Which open deadlines a list shows.</summary>
public enum DueWindow
{
    Overdue,
    Today,
    ThisWeek,
}

public sealed record DashboardCounts(
    int Overdue, int DueToday, int DueThisWeek, int EscalationsWaiting, int NeedOperator, int DeadLetters, int FailedLetters, int RepliesToConfirm);

public sealed record DeadlineRow(
    Guid RequestId, Guid CaseId, string CaseReference, string Kind, string Status, string Counterparty, string DeadlineKind,
    DateOnly DueDate, DateTimeOffset DueAt, string Explanation, bool NeedsOperator);

public sealed record EscalationRow(Guid ComplaintId, Guid CaseId, string CaseReference, string Status, DateTimeOffset PreparedAt, DateTimeOffset UpdatedAt);

/// <summary>What a case search looked for; <see cref="TooShort"/>: a name part too short to look for.</summary>
public enum CaseSearchKind
{
    OpenCases,
    Id,
    Reference,
    Counterparty,
    TooShort,
}

public sealed record CaseSearch(Page<CaseRow> Cases, CaseSearchKind Kind);

public sealed record CaseRow(Guid Id, string Reference, string Owner, string Status, string EscalationMode, DateTimeOffset OpenedAt, int OpenRequests);

public sealed record RequestRow(
    Guid Id, string Kind, string Status, string Counterparty, string? Category, DateTimeOffset OpenedAt, DateTimeOffset? SentAt,
    DateTimeOffset? AnsweredAt, string? Outcome, DateTimeOffset? DueAt, string? Explanation);

/// <summary>
/// An event that concerns a case, without its data: the type, when, who acted (from the event's metadata), which
/// stream it is in (its first event's type; for a letter, the letter's kind) and, for an operator's audit event, the
/// action taken.
/// </summary>
public sealed record HistoryRow(
    long Sequence, Guid StreamId, long Version, string Type, string? Actor, DateTimeOffset Timestamp, string StreamType, string? LetterKind,
    string? Action);

public sealed record CaseDetail(CaseRow Case, IReadOnlyList<RequestRow> Requests, IReadOnlyList<HistoryRow> History);

public sealed record ResponseTimeRow(string Kind, string Counterparty, int Answered, double MedianDays, double P90Days, double? ShareInTime);

public sealed record CategoryRow(string Category, int Removed, int Decided);

public sealed record OpenCasesPoint(DateOnly Day, int Open);

public sealed record Statistics(
    IReadOnlyList<ResponseTimeRow> ResponseTimes, IReadOnlyList<CategoryRow> Removals, IReadOnlyList<OpenCasesPoint> OpenCases,
    double? ShareAnsweredInTime, int AnsweredCount);

/// <summary>
/// The dashboard's reads, all from the read models (case_overview, request_overview) so a list of hundreds of cases
/// costs one indexed query; only a single case's page reads its streams' event headers.
/// </summary>
public sealed class OperatorQueries(NpgsqlDataSource dataSource, DatabaseOptions options, IDocumentStore store, TimeProvider time)
{
    public const int ListLimit = 200;

    private string S => options.Schema;

    /// <summary>Marten's schema (the events).</summary>
    private string E => store.Options.Events.DatabaseSchemaName;

    /// <summary>The operators' calendar day: deadlines are Dutch calendar dates.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Amsterdam).DateTime);

    internal static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    /// <summary>
    /// The dashboard's counts from the counters the read models keep (ReadModelCounters): overdue, due today and due this
    /// week are sums over the open deadlines' counts per due date and instant, taken with this moment's clock; the queues
    /// are sums of their slots. One round trip, whatever the number of cases.
    /// </summary>
    public async Task<DashboardCounts> CountsAsync(CancellationToken cancellationToken)
    {
        await using var batch = CountsBatch();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadCountsAsync(reader, cancellationToken);
    }

    /// <summary>
    /// The dashboard in one round trip: the counts (<see cref="CountsAsync"/>), the first <paramref name="limit"/> overdue
    /// deadlines and the first escalations waiting for review.
    /// </summary>
    public async Task<(DashboardCounts Counts, IReadOnlyList<DeadlineRow> Overdue, IReadOnlyList<EscalationRow> Escalations)> DashboardAsync(
        int limit, CancellationToken cancellationToken)
    {
        await using var batch = CountsBatch();
        await using var overdue = DeadlinesCommand(DueWindow.Overdue, limit, PageRequest.First);
        await using var escalations = EscalationsCommand(limit);
        batch.BatchCommands.Add(AsBatchCommand(overdue));
        batch.BatchCommands.Add(AsBatchCommand(escalations));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var counts = await ReadCountsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var deadlines = new List<DeadlineRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deadlines.Add(ReadDeadline(reader));
        }
        await reader.NextResultAsync(cancellationToken);
        var waiting = new List<EscalationRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            waiting.Add(ReadEscalation(reader));
        }
        // The deadlines' command reads one row more than a page, to tell whether another follows.
        return (counts, deadlines.Count > limit ? deadlines[..limit] : deadlines, waiting);
    }

    private static NpgsqlBatchCommand AsBatchCommand(NpgsqlCommand command)
    {
        var batchCommand = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
        {
            batchCommand.Parameters.Add(new NpgsqlParameter { Value = parameter.Value });
        }
        return batchCommand;
    }

    private static async Task<DashboardCounts> ReadCountsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        var (overdue, today, week) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (escalations, needOperator, failedLetters, replies) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DashboardCounts(overdue, today, week, escalations, needOperator, reader.GetInt32(0), failedLetters, replies);
    }

    private static DeadlineRow ReadDeadline(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetString(6), reader.GetFieldValue<DateOnly>(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9),
        reader.GetBoolean(10));

    private static EscalationRow ReadEscalation(NpgsqlDataReader reader) => new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2),
        reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));

    internal NpgsqlBatch CountsBatch()
    {
        var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT coalesce(sum(requests) FILTER (WHERE due_at < $1), 0)::int,
                   coalesce(sum(requests) FILTER (WHERE due_at >= $1 AND due_date <= $2), 0)::int,
                   coalesce(sum(requests) FILTER (WHERE due_date > $2 AND due_date < $2 + 7), 0)::int
            FROM {S}.request_due_counts WHERE due_date < $2 + 7
            """) { Parameters = { new NpgsqlParameter { Value = time.GetUtcNow() }, new NpgsqlParameter { Value = Today } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT coalesce(sum(items) FILTER (WHERE queue = 'escalations'), 0)::int,
                   coalesce(sum(items) FILTER (WHERE queue = 'needs-operator'), 0)::int,
                   coalesce(sum(items) FILTER (WHERE queue = 'failed-letters'), 0)::int,
                   coalesce(sum(items) FILTER (WHERE queue = 'replies-to-confirm'), 0)::int
            FROM {S}.queue_counts
            """));
        batch.BatchCommands.Add(DeadLetterCount());
        return batch;
    }

    /// <summary>
    /// How many dead letters wait for an operator: messages either messaging engine gave up on (Wolverine's not yet
    /// marked for replay), and platform status updates the webhook inbox gave up on. The one place the dashboard reads
    /// the engines' storage: when the dead letters move, only this query follows them.
    /// </summary>
    internal NpgsqlBatchCommand DeadLetterCount() => new($"""
        -- Takedown.Messaging's tables live in the same schema (both take Database:Schema); Wolverine's in its own, made
        -- before this API serves (at its start outside Production, by db-apply in Production).
        SELECT ((SELECT count(*) FROM {S}.dead_letters) + (SELECT count(*) FROM {S}.webhook_inbox WHERE outcome = 'failed')
              + (SELECT count(*) FROM {options.MessageSchema}.wolverine_dead_letters WHERE NOT replayable))::int
        """);

    /// <summary>
    /// Open deadlines of a window, earliest first, a page of at most <paramref name="limit"/> rows read by index range
    /// (<c>request_overview_due_keyset</c>).
    /// </summary>
    public async Task<Page<DeadlineRow>> DeadlinesAsync(DueWindow window, int limit, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        limit = Math.Clamp(limit, 1, ListLimit);
        await using var command = DeadlinesCommand(window, limit, page);
        var rows = new List<(DeadlineRow, Keyset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ReadDeadline(reader);
            rows.Add((row, new Keyset(row.DueAt, row.RequestId, row.DueDate)));
        }
        return Page<DeadlineRow>.From(rows, limit, page);
    }

    /// <summary>
    /// The case reference of a listed request (<c>r</c>), looked up by key for each row of the page only: a join would let
    /// the planner read every case when it misjudges a window as large.
    /// </summary>
    private string Reference => $"coalesce((SELECT c.reference FROM {S}.case_overview c WHERE c.id = r.case_id), '')";

    internal NpgsqlCommand DeadlinesCommand(DueWindow window, int limit, PageRequest page)
    {
        // Each window is a range of due dates, read in (due_date, due_at, id) order from request_overview_due_keyset, so a
        // page stops after its rows. "Today" is due_at >= now with a due date up to today: a deadline's due_at lies
        // within a day of its date's midnight wherever it runs, so only yesterday's and today's dates can hold one.
        var filter = window switch
        {
            DueWindow.Overdue => "r.due_at < $1",
            DueWindow.Today => "r.due_date >= $2 - 1 AND r.due_date <= $2 AND r.due_at >= $1",
            _ => "r.due_date > $2 AND r.due_date < $2 + 7",
        };
        var (keyset, order) = KeysetSql.For(["r.due_date", "r.due_at", "r.id"], descending: false, page, 4);
        var command = dataSource.CreateCommand($"""
            SELECT r.id, r.case_id, {Reference}, r.kind, r.status, r.counterparty, r.deadline_kind, r.due_date, r.due_at,
                   r.explanation_en, r.needs_operator
            FROM {S}.request_overview r
            WHERE r.is_open AND r.due_at IS NOT NULL AND {filter} {keyset}
            ORDER BY {order} LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = Today });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        foreach (var parameter in KeysetSql.Parameters(page, withDate: true))
        {
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>AP complaints prepared or reviewed but not lodged yet: they wait for an operator.</summary>
    public async Task<IReadOnlyList<EscalationRow>> EscalationsWaitingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = EscalationsCommand(limit);
        var rows = new List<EscalationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadEscalation(reader));
        }
        return rows;
    }

    internal NpgsqlCommand EscalationsCommand(int limit)
    {
        var command = dataSource.CreateCommand($"""
            SELECT r.id, r.case_id, {Reference}, r.status, r.opened_at, r.updated_at
            FROM {S}.request_overview r
            WHERE r.needs_operator AND r.kind = '{RequestKinds.ApComplaint}'
            ORDER BY r.opened_at, r.id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, ListLimit) });
        return command;
    }

    /// <summary>The shortest part of a counterparty's name the case search looks for (a trigram).</summary>
    public const int SearchMinLength = 3;

    /// <summary>Cases per page of the case search.</summary>
    public const int SearchLimit = 50;

    /// <summary>Counterparty names a search looks at: the most used first.</summary>
    public const int SearchNames = 20;

    /// <summary>
    /// Cases by id, by reference (prefix, case-insensitive, in reference order), or by part of a counterparty's name
    /// (at least <see cref="SearchMinLength"/> characters: the names come from <c>request_counterparties</c> by trigram,
    /// then each name's requests newest first by index, one row per case on a page); without a query, the open cases
    /// newest first. Every answer is a page of at most <see cref="SearchLimit"/> cases.
    /// </summary>
    public async Task<CaseSearch> SearchCasesAsync(string? query, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var q = (query ?? "").Trim();
        if (q.Length is > 0 and < SearchMinLength && !q.StartsWith("TD-", StringComparison.OrdinalIgnoreCase))
        {
            return new CaseSearch(new Page<CaseRow>([], null, null), CaseSearchKind.TooShort);
        }
        var (kind, command) = SearchCommand(q, page);
        await using (command)
        {
            var rows = new List<(CaseRow?, Keyset)>();
            var seen = new HashSet<Guid>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = ReadCase(reader);
                var key = new Keyset(reader.GetFieldValue<DateTimeOffset>(7), reader.GetGuid(8));
                // A case with several requests to matching counterparties shows once on a page, at its newest; the other
                // rows still count for the page's cursors.
                rows.Add((seen.Add(row.Id) ? row : null, key));
            }
            var result = Page<CaseRow?>.From(rows, SearchLimit, page);
            return new CaseSearch(new Page<CaseRow>([.. result.Rows.OfType<CaseRow>()], result.Previous, result.Next), kind);
        }
    }

    internal (CaseSearchKind Kind, NpgsqlCommand Command) SearchCommand(string q, PageRequest page)
    {
        const string Columns = $"""
            c.id, c.reference, c.owner, c.status, c.escalation_mode, c.opened_at,
            (SELECT count(*) FROM {"{S}"}.request_overview r WHERE r.case_id = c.id AND r.is_open)
            """;
        var columns = Columns.Replace("{S}", S, StringComparison.Ordinal);
        NpgsqlCommand command;
        CaseSearchKind kind;
        if (Guid.TryParse(q, out var id))
        {
            kind = CaseSearchKind.Id;
            command = dataSource.CreateCommand($"SELECT {columns}, c.opened_at, c.id FROM {S}.case_overview c WHERE c.id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            return (kind, command);
        }
        if (q.StartsWith("TD-", StringComparison.OrdinalIgnoreCase))
        {
            // References are upper-case ASCII: a prefix is a range in byte order, read from the index on reference COLLATE "C".
            var prefix = new string([.. q.ToUpperInvariant().Where(ch => ch is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-')]);
            command = dataSource.CreateCommand($"""
                SELECT {columns}, c.opened_at, c.id FROM {S}.case_overview c
                WHERE c.reference COLLATE "C" >= $1 AND c.reference COLLATE "C" < $2
                ORDER BY c.reference COLLATE "C" LIMIT $3
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = prefix });
            command.Parameters.Add(new NpgsqlParameter { Value = prefix[..^1] + (char)(prefix[^1] + 1) });
            command.Parameters.Add(new NpgsqlParameter { Value = SearchLimit });
            return (CaseSearchKind.Reference, command);
        }
        if (q.Length == 0)
        {
            var (keyset, order) = KeysetSql.For(["c.opened_at", "c.id"], descending: true, page, 2);
            command = dataSource.CreateCommand($"""
                SELECT {columns}, c.opened_at, c.id FROM {S}.case_overview c
                WHERE c.status = 'Open' {keyset}
                ORDER BY {order} LIMIT $1
                """);
            kind = CaseSearchKind.OpenCases;
        }
        else
        {
            // % and _ are letters in a name, not wildcards.
            var pattern = "%" + q.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            var (keyset, order) = KeysetSql.For(["r.opened_at", "r.id"], descending: true, page, 3);
            var (_, outerOrder) = KeysetSql.For(["h.opened_at", "h.id"], descending: true, page, 3);
            command = dataSource.CreateCommand($"""
                WITH names AS (
                    SELECT name FROM {S}.request_counterparties WHERE requests > 0 AND name ILIKE $2
                    ORDER BY requests DESC, name LIMIT {SearchNames}),
                hits AS (
                    SELECT h.* FROM names n CROSS JOIN LATERAL (
                        SELECT r.id, r.case_id, r.opened_at FROM {S}.request_overview r
                        WHERE r.counterparty = n.name {keyset}
                        ORDER BY {order} LIMIT $1) h
                    ORDER BY {outerOrder} LIMIT $1)
                SELECT {columns}, h.opened_at, h.id
                FROM hits h JOIN {S}.case_overview c ON c.id = h.case_id
                ORDER BY {outerOrder}
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = SearchLimit + 1 });
            command.Parameters.Add(new NpgsqlParameter { Value = pattern });
            foreach (var parameter in KeysetSql.Parameters(page))
            {
                command.Parameters.Add(parameter);
            }
            return (CaseSearchKind.Counterparty, command);
        }
        command.Parameters.Add(new NpgsqlParameter { Value = SearchLimit + 1 });
        foreach (var parameter in KeysetSql.Parameters(page))
        {
            command.Parameters.Add(parameter);
        }
        return (kind, command);
    }

    /// <summary>
    /// One case with its requests and the headers of every event that concerns it, in the order they were stored: the
    /// events of every stream whose subject is the case (the case, its requests, reports, complaints, letters and evidence
    /// diary: <c>streams_subject</c>), and operators' audit events kept in their own audit streams about one of those
    /// streams or a reply to one of its requests (<c>events_operator_action_subject</c>). Event data is never read but
    /// for an audit event's action, which holds no personal data: operators see what happened, not what a victim wrote.
    /// </summary>
    public async Task<CaseDetail?> CaseAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT c.id, c.reference, c.owner, c.status, c.escalation_mode, c.opened_at,
                   (SELECT count(*) FROM {S}.request_overview r WHERE r.case_id = c.id AND r.is_open)
            FROM {S}.case_overview c WHERE c.id = $1
            """) { Parameters = { new NpgsqlParameter { Value = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT id, kind, status, counterparty, category, opened_at, sent_at, answered_at, outcome, due_at, explanation_en
            FROM {S}.request_overview WHERE case_id = $1 ORDER BY opened_at, id
            """) { Parameters = { new NpgsqlParameter { Value = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            WITH streams AS (
                SELECT stream_id AS id, type FROM {S}.case_streams WHERE case_id = $1),
            subjects AS (
                SELECT id::text AS subject FROM streams
                UNION SELECT m.id::text FROM {S}.inbound_mail m WHERE m.request_id IN (SELECT id FROM streams)),
            concerned AS (
                SELECT e.seq_id AS seq, e.stream_id, e.version, e.type, e.headers->>'actor' AS actor, e.timestamp, s.type AS stream_type,
                       CASE WHEN e.type = 'operator-action-recorded' THEN e.data->>'action' END AS action
                FROM {E}.mt_events e JOIN streams s ON s.id = e.stream_id
                UNION
                SELECT e.seq_id, e.stream_id, e.version, e.type, e.headers->>'actor', e.timestamp, coalesce(st.type, e.type), e.data->>'action'
                FROM {E}.mt_events e LEFT JOIN {S}.case_streams st ON st.stream_id = e.stream_id
                WHERE e.type = 'operator-action-recorded' AND e.data->>'subjectId' IN (SELECT subject FROM subjects))
            SELECT c.seq, c.stream_id, c.version, c.type, c.actor, c.timestamp, c.stream_type, l.kind, c.action
            FROM concerned c LEFT JOIN {S}.letter_overview l ON l.id = c.stream_id
            ORDER BY c.seq
            """) { Parameters = { new NpgsqlParameter { Value = id } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var head = ReadCase(reader);
        await reader.NextResultAsync(cancellationToken);
        var requests = new List<RequestRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            T? N<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
            requests.Add(new RequestRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), N<string>(4),
                reader.GetFieldValue<DateTimeOffset>(5), N<DateTimeOffset?>(6), N<DateTimeOffset?>(7), N<string>(8), N<DateTimeOffset?>(9),
                N<string>(10)));
        }
        await reader.NextResultAsync(cancellationToken);
        var history = new List<HistoryRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            history.Add(new HistoryRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3), Text(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), Text(7), Text(8)));
        }
        return new CaseDetail(head, requests, history);
    }

    /// <summary>The case an AP complaint belongs to, with its reference and escalation mode (null: no such complaint).</summary>
    public async Task<(Guid CaseId, string Reference, string EscalationMode)?> CaseOfRequestAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT c.id, c.reference, c.escalation_mode FROM {S}.request_overview r JOIN {S}.case_overview c ON c.id = r.case_id
            WHERE r.id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// <summary>
    /// Response times in days from sending to the first answer, per counterparty (median and 90th percentile computed
    /// by PostgreSQL), removals per category, and the open cases per day over <paramref name="days"/> days.
    /// </summary>
    public async Task<Statistics> StatisticsAsync(int days, CancellationToken cancellationToken)
    {
        var today = Today;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT kind, counterparty, count(*)::int,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - sent_at) / 86400),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - sent_at) / 86400),
                   avg(CASE WHEN answered_in_time THEN 1.0 WHEN NOT answered_in_time THEN 0.0 END)::float8
            FROM {S}.request_overview
            WHERE kind IN ('{RequestKinds.Erasure}', '{RequestKinds.Platform}') AND sent_at IS NOT NULL AND answered_at IS NOT NULL
            GROUP BY kind, counterparty
            ORDER BY count(*) DESC, kind, counterparty LIMIT 20
            """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT coalesce(category, 'Unknown'), count(*) FILTER (WHERE outcome = 'Removed')::int, count(*) FILTER (WHERE outcome IS NOT NULL)::int
            FROM {S}.request_overview WHERE kind = '{RequestKinds.Platform}'
            GROUP BY 1 ORDER BY 2 DESC, 1
            """));
        // Open cases per day in one pass: +1 on the day a case opened, -1 on the day it closed (a closed case's last
        // change is its closing: nothing follows CaseClosed), summed up to each day. Earlier changes count on the first day.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            WITH bounds AS (SELECT $1::date - ($2 - 1) AS first, $1::date AS last),
            changes AS (
                SELECT greatest(opened_at::date, b.first) AS day, 1 AS delta FROM {S}.case_overview, bounds b WHERE opened_at::date <= b.last
                UNION ALL
                SELECT greatest(updated_at::date, b.first), -1 FROM {S}.case_overview, bounds b WHERE status = 'Closed' AND updated_at::date <= b.last),
            per_day AS (SELECT day, sum(delta) AS delta FROM changes GROUP BY day)
            SELECT d::date, (sum(coalesce(p.delta, 0)) OVER (ORDER BY d))::int
            FROM bounds b, generate_series(b.first, b.last, interval '1 day') AS d LEFT JOIN per_day p ON p.day = d::date
            ORDER BY d
            """) { Parameters = { new NpgsqlParameter { Value = today }, new NpgsqlParameter { Value = Math.Clamp(days, 1, 366) } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT avg(CASE WHEN answered_in_time THEN 1.0 ELSE 0.0 END)::float8, count(*)::int
            FROM {S}.request_overview WHERE answered_in_time IS NOT NULL
            """));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var times = new List<ResponseTimeRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            times.Add(new ResponseTimeRow(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5)));
        }
        await reader.NextResultAsync(cancellationToken);
        var removals = new List<CategoryRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            removals.Add(new CategoryRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }
        await reader.NextResultAsync(cancellationToken);
        var open = new List<OpenCasesPoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            open.Add(new OpenCasesPoint(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt32(1)));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var share = reader.IsDBNull(0) ? (double?)null : reader.GetDouble(0);
        return new Statistics(times, removals, open, share, reader.GetInt32(1));
    }

    private static CaseRow ReadCase(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5), (int)reader.GetInt64(6));
}
