namespace Takedown.Application.ReadModels;

/// <summary>
/// Counters kept beside the read models, so the operators' dashboard reads a handful of small rows instead of counting
/// every request (docs/operator.md, "Counts"):
/// <list type="bullet">
/// <item><c>request_due_counts</c>: open requests with a deadline, per due date and due instant. Overdue, due today and
/// due this week depend on the clock, so they are not stored: the dashboard sums the rows of a range of due dates at
/// read time, exact to the second, and the cost grows with the number of distinct due days, not with the requests.</item>
/// <item><c>queue_counts</c>: the requests waiting for an operator, the AP complaints among them (escalations to
/// review), the replies to confirm; the operator schema adds the failed letters.</item>
/// <item><c>request_counterparties</c>: the requests per counterparty name, which the case search looks names up in.</item>
/// </list>
/// Statement triggers on the read-model tables keep them, from the rows each statement changed (its transition tables):
/// a projection's insert or update, an erasure's delete or a bulk <c>COPY</c> changes its counters in the same statement,
/// so they commit or roll back together. Each counter is split in 8 slots by the row's id, so concurrent transactions
/// rarely wait on the same counter row; a statement updates its counter rows in key order.
/// </summary>
public static class ReadModelCounters
{
    /// <summary>How a row picks its slot: the same in the triggers and in <see cref="Rebuild"/>.</summary>
    public const string Slot = "(hashtext(id::text) & 7)::smallint";

    private const string RequestColumns = "id, kind, is_open, due_date, due_at, needs_operator, counterparty";

    /// <summary>The schema step: the tables, their first values from the rows there are, and the triggers.</summary>
    public static readonly string Step = $$"""
        -- Writers wait while the counters are filled and the triggers made, so no write falls between the two.
        LOCK TABLE {schema}.request_overview, {schema}.inbound_mail IN SHARE ROW EXCLUSIVE MODE;
        CREATE TABLE {schema}.request_due_counts (
            due_date date NOT NULL,
            due_at timestamptz NOT NULL,
            slot smallint NOT NULL,
            requests bigint NOT NULL,
            PRIMARY KEY (due_date, due_at, slot));
        CREATE TABLE {schema}.queue_counts (
            queue text NOT NULL,
            slot smallint NOT NULL,
            items bigint NOT NULL,
            PRIMARY KEY (queue, slot));
        CREATE TABLE {schema}.request_counterparties (
            name text PRIMARY KEY,
            requests bigint NOT NULL);
        {{Rebuild}}
        {{Triggers("request_overview", "count_request_overview", RequestCounts, "DELETE FROM {schema}.request_counterparties WHERE requests <= 0 AND name IN (SELECT counterparty FROM old_rows);")}}
        {{Triggers("inbound_mail", "count_inbound_mail", ReplyCounts, "")}}
        """;

    /// <summary>
    /// Recomputes the counters of this step from the rows (what the step does first; the counter test compares it with
    /// the live counters).
    /// </summary>
    public const string Rebuild = $"""
        DELETE FROM {"{schema}"}.request_due_counts;
        DELETE FROM {"{schema}"}.queue_counts WHERE queue IN ('needs-operator', 'escalations', 'replies-to-confirm');
        DELETE FROM {"{schema}"}.request_counterparties;
        INSERT INTO {"{schema}"}.request_due_counts (due_date, due_at, slot, requests)
            SELECT due_date, due_at, {Slot}, count(*) FROM {"{schema}"}.request_overview
            WHERE is_open AND due_at IS NOT NULL AND due_date IS NOT NULL GROUP BY 1, 2, 3;
        INSERT INTO {"{schema}"}.queue_counts (queue, slot, items)
            SELECT 'needs-operator', {Slot}, count(*) FROM {"{schema}"}.request_overview WHERE needs_operator GROUP BY 2
            UNION ALL
            SELECT 'escalations', {Slot}, count(*) FROM {"{schema}"}.request_overview WHERE needs_operator AND kind = 'ap-complaint' GROUP BY 2
            UNION ALL
            SELECT 'replies-to-confirm', {Slot}, count(*) FROM {"{schema}"}.inbound_mail WHERE confirmed_meaning IS NULL GROUP BY 2;
        INSERT INTO {"{schema}"}.request_counterparties (name, requests)
            SELECT counterparty, count(*) FROM {"{schema}"}.request_overview GROUP BY 1;
        """;

    /// <summary>The statement changing the counters from <c>d</c>: the rows before (delta -1) and after (delta +1).</summary>
    private static string RequestCounts(string before, string after) => $"""
        WITH d AS (
            SELECT {RequestColumns}, -1 AS delta FROM {before} AS b
            UNION ALL
            SELECT {RequestColumns}, 1 FROM {after} AS a),
        due AS (
            INSERT INTO {"{schema}"}.request_due_counts AS c (due_date, due_at, slot, requests)
            SELECT due_date, due_at, {Slot}, sum(delta) FROM d
            WHERE is_open AND due_at IS NOT NULL AND due_date IS NOT NULL
            GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
            ON CONFLICT (due_date, due_at, slot) DO UPDATE SET requests = c.requests + excluded.requests),
        queues AS (
            INSERT INTO {"{schema}"}.queue_counts AS c (queue, slot, items)
            SELECT q.queue, (hashtext(d.id::text) & 7)::smallint, sum(d.delta) FROM d
            CROSS JOIN LATERAL (VALUES ('needs-operator', d.needs_operator), ('escalations', d.needs_operator AND d.kind = 'ap-complaint')) q (queue, counted)
            WHERE q.counted GROUP BY 1, 2 HAVING sum(d.delta) <> 0 ORDER BY 1, 2
            ON CONFLICT (queue, slot) DO UPDATE SET items = c.items + excluded.items)
        INSERT INTO {"{schema}"}.request_counterparties AS c (name, requests)
        SELECT counterparty, sum(delta) FROM d GROUP BY 1 HAVING sum(delta) <> 0 ORDER BY 1
        ON CONFLICT (name) DO UPDATE SET requests = c.requests + excluded.requests;
        """;

    private static string ReplyCounts(string before, string after) => $"""
        INSERT INTO {"{schema}"}.queue_counts AS c (queue, slot, items)
        SELECT 'replies-to-confirm', slot, sum(delta) FROM (
            SELECT {Slot} AS slot, -1 AS delta FROM {before} AS b WHERE confirmed_meaning IS NULL
            UNION ALL
            SELECT {Slot}, 1 FROM {after} AS a WHERE confirmed_meaning IS NULL) d
        GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
        ON CONFLICT (queue, slot) DO UPDATE SET items = c.items + excluded.items;
        """;

    /// <summary>
    /// Three statement triggers on <paramref name="table"/> (PostgreSQL gives transition tables to single-event triggers
    /// only), each running <paramref name="counts"/> (given the relations of the rows before and after, to be aliased
    /// where used) with the side it lacks as an empty set of the table's rows; <paramref name="afterDelete"/> runs after
    /// the delete's counts. The SQL is code, never input; <c>{schema}</c> is left for the migrator.
    /// </summary>
    public static string Triggers(string table, string function, Func<string, string, string> counts, string afterDelete)
    {
        const string S = "{schema}";
        var none = $"(SELECT * FROM {S}.{table} WHERE false)";
        return $"""
            CREATE FUNCTION {S}.{function}_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
            {counts(none, "new_rows")}
            RETURN NULL;
            END $f$;
            CREATE FUNCTION {S}.{function}_update() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
            {counts("old_rows", "new_rows")}
            RETURN NULL;
            END $f$;
            CREATE FUNCTION {S}.{function}_delete() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
            {counts("old_rows", none)}
            {afterDelete}
            RETURN NULL;
            END $f$;
            CREATE TRIGGER {table}_counts_insert AFTER INSERT ON {S}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {S}.{function}_insert();
            CREATE TRIGGER {table}_counts_update AFTER UPDATE ON {S}.{table}
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {S}.{function}_update();
            CREATE TRIGGER {table}_counts_delete AFTER DELETE ON {S}.{table}
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {S}.{function}_delete();
            """;
    }
}
