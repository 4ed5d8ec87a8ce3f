using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.ReadModels;
using Takedown.Application.Storage;

namespace Takedown.Api.Operator;

/// <summary>
/// Indexes the dashboard's lists and counts need on the shared read models: open deadlines by due time (with the
/// due date, so the counts are index-only) and the requests waiting for an operator by kind; which failed letters
/// an operator marked as handled; the statistics page's last computed figures; operators' audit events by subject;
/// and a trigram index for the case search by a counterparty's name.
/// </summary>
internal static class OperatorSchema
{
    public const string Component = "operator-dashboard";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE INDEX IF NOT EXISTS request_overview_open_due ON {schema}.request_overview (due_at, due_date) WHERE is_open AND due_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS request_overview_operator_kind ON {schema}.request_overview (kind, opened_at) WHERE needs_operator;
        """,
        """
        -- A failed letter an operator dealt with outside Takedown (a corrected address, a call): the audit event is
        -- in the letter's stream; this row only takes the letter off the list until it fails again.
        CREATE TABLE IF NOT EXISTS {schema}.operator_failed_letter_handled (
            letter_id uuid PRIMARY KEY,
            operator_id text NOT NULL,
            handled_at timestamptz NOT NULL);
        """,
        """
        -- The statistics page's figures (percentiles over every answered request) as last computed: one row, replaced
        -- by StatisticsSnapshots, so a page view reads one row instead of running the aggregates.
        CREATE TABLE IF NOT EXISTS {schema}.operator_statistics_snapshot (
            id smallint PRIMARY KEY CHECK (id = 1),
            statistics jsonb NOT NULL,
            computed_at timestamptz NOT NULL);
        """,
        // Was an index on the event table of the store before Marten; the index now lives on Marten's table (last step).
        "SELECT 1;",
        """
        -- Case search matches part of a controller's or platform's name (ILIKE '%…%'): a trigram index answers that
        -- without reading every request. pg_trgm is a trusted extension, so the database's owner may install it; where
        -- the role may not (or the server lacks it), the search still works, by a scan, and start-up goes on.
        DO $$
        DECLARE trgm_schema text;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                BEGIN
                    CREATE EXTENSION pg_trgm WITH SCHEMA public;
                EXCEPTION WHEN insufficient_privilege OR undefined_file OR invalid_schema_name THEN
                    RAISE WARNING 'pg_trgm cannot be installed (%); case search by name reads every request', SQLERRM;
                END;
            END IF;
            SELECT n.nspname INTO trgm_schema
                FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
            IF trgm_schema IS NOT NULL THEN
                EXECUTE format('CREATE INDEX IF NOT EXISTS request_overview_counterparty_trgm ON {schema}.request_overview USING gin (counterparty %I.gin_trgm_ops)', trgm_schema);
            END IF;
        END $$;
        """,
        """
        -- The case page finds operators' audit events kept in their own audit streams by what they are about (a request,
        -- a report, a reply): a small partial index on Marten's event table instead of reading every audit event. Marten
        -- is told to leave it alone (MartenSetup: IgnoreIndex).
        CREATE INDEX IF NOT EXISTS mt_events_operator_action_subject ON {events}.mt_events ((data->>'subjectId'))
            WHERE type = 'operator-action-recorded';
        """,
        ListsAndCounts,
    ];

    /// <summary>
    /// Lists read by index range with a limit (keyset pages): open deadlines by due date, due time and id, a counterparty's
    /// requests newest first, open cases newest first, references in byte order (a prefix is a range). The counts that
    /// read every open deadline and the trigram index on every request give way to counters (ReadModelCounters, and the
    /// failed letters here) and to a trigram index on the counterparty names.
    /// </summary>
    private static string ListsAndCounts => $$"""
        DROP INDEX IF EXISTS {schema}.request_overview_open_due;
        DROP INDEX IF EXISTS {schema}.request_overview_counterparty_trgm;
        -- The read models' index on open deadlines had the dashboard as its only reader; the one below, by due date first
        -- (each window is a range of dates) and with the id for keyset pages, takes its place.
        DROP INDEX IF EXISTS {schema}.request_overview_due;
        CREATE INDEX request_overview_due_keyset ON {schema}.request_overview (due_date, due_at, id) WHERE is_open AND due_at IS NOT NULL;
        -- Escalations by (opened_at, id): with the id in the index a page needs no sort of the requests opened at one instant.
        DROP INDEX IF EXISTS {schema}.request_overview_operator_kind;
        CREATE INDEX request_overview_operator_keyset ON {schema}.request_overview (kind, opened_at, id) WHERE needs_operator;
        CREATE INDEX request_overview_counterparty_opened ON {schema}.request_overview (counterparty, opened_at DESC, id DESC);
        CREATE INDEX case_overview_open_opened ON {schema}.case_overview (opened_at DESC, id DESC) WHERE status = 'Open';
        CREATE INDEX case_overview_reference_bytes ON {schema}.case_overview (reference COLLATE "C");
        DO $$
        DECLARE trgm_schema text;
        BEGIN
            SELECT n.nspname INTO trgm_schema
                FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
            IF trgm_schema IS NOT NULL THEN
                EXECUTE format('CREATE INDEX request_counterparties_trgm ON {schema}.request_counterparties USING gin (name %I.gin_trgm_ops)', trgm_schema);
            END IF;
        END $$;

        -- Failed letters not marked handled since they failed: a letter counts while its status is Failed and no handled
        -- row is as late as its last change. Kept from both tables' changes, like the counters of the read models.
        LOCK TABLE {schema}.letter_overview, {schema}.operator_failed_letter_handled IN SHARE ROW EXCLUSIVE MODE;
        {{FailedLettersRebuild}}
        {{ReadModelCounters.Triggers("letter_overview", "count_letter_overview", FailedLetterCounts, "")}}
        {{ReadModelCounters.Triggers("operator_failed_letter_handled", "count_failed_letter_handled", HandledCounts, "")}}
        """;

    /// <summary>Recomputes the failed letters' counter from the rows.</summary>
    public const string FailedLettersRebuild = $"""
        DELETE FROM {"{schema}"}.queue_counts WHERE queue = 'failed-letters';
        INSERT INTO {"{schema}"}.queue_counts (queue, slot, items)
            SELECT 'failed-letters', {ReadModelCounters.Slot}, count(*) FROM {"{schema}"}.letter_overview l
            WHERE l.status = 'Failed' AND NOT EXISTS (
                SELECT 1 FROM {"{schema}"}.operator_failed_letter_handled h WHERE h.letter_id = l.id AND h.handled_at >= l.updated_at)
            GROUP BY 2;
        """;

    private const string Unhandled = $"""
        l.status = 'Failed' AND NOT EXISTS (
            SELECT 1 FROM {"{schema}"}.operator_failed_letter_handled h WHERE h.letter_id = l.id AND h.handled_at >= l.updated_at)
        """;

    private static string FailedLetterCounts(string before, string after) => $"""
        INSERT INTO {"{schema}"}.queue_counts AS c (queue, slot, items)
        SELECT 'failed-letters', slot, sum(delta) FROM (
            SELECT (hashtext(l.id::text) & 7)::smallint AS slot, -1 AS delta FROM {before} AS l WHERE {Unhandled}
            UNION ALL
            SELECT (hashtext(l.id::text) & 7)::smallint, 1 FROM {after} AS l WHERE {Unhandled}) d
        GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
        ON CONFLICT (queue, slot) DO UPDATE SET items = c.items + excluded.items;
        """;

    /// <summary>A handled row changes whether its letter counts: before it, with the old row; after, with the new.</summary>
    private static string HandledCounts(string before, string after) => $"""
        INSERT INTO {"{schema}"}.queue_counts AS c (queue, slot, items)
        SELECT 'failed-letters', slot, sum(delta) FROM (
            SELECT (hashtext(l.id::text) & 7)::smallint AS slot,
                (CASE WHEN EXISTS (SELECT 1 FROM {after} AS a WHERE a.letter_id = l.id AND a.handled_at >= l.updated_at) THEN 0 ELSE 1 END)
                - (CASE WHEN EXISTS (SELECT 1 FROM {before} AS b WHERE b.letter_id = l.id AND b.handled_at >= l.updated_at) THEN 0 ELSE 1 END) AS delta
            FROM {"{schema}"}.letter_overview l
            WHERE l.status = 'Failed' AND l.id IN (SELECT x.letter_id FROM {before} AS x UNION SELECT y.letter_id FROM {after} AS y)) d
        GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
        ON CONFLICT (queue, slot) DO UPDATE SET items = c.items + excluded.items;
        """;

    /// <summary>
    /// Runs once every hosted service has started, so after the read models' own migration created the tables
    /// whatever order the services were registered in.
    /// </summary>
    public sealed class Migration(NpgsqlDataSource dataSource, DatabaseOptions options, IDocumentStore store) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(dataSource, options.Schema, Component,
                [.. Steps.Select(s => s.Replace("{events}", store.Options.Events.DatabaseSchemaName, StringComparison.Ordinal))], cancellationToken);

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
