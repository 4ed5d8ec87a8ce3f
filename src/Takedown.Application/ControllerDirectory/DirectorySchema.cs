namespace Takedown.Application.ControllerDirectory;

/// <summary>
/// The controller directory's own tables: plain rows, not events (the directory is reference data, not a case's history).
/// One row per record, keyed by its kind and upstream slug: the imported record as the snapshot has it, the operators'
/// own record when they added or corrected one (it wins), and the version of whichever counts, which goes up each time
/// that changes. Every operator change is kept in <c>directory_audit</c>; every import in <c>directory_imports</c>.
/// </summary>
public static class DirectorySchema
{
    public const string Component = "controller-directory";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        -- Typo-tolerant search needs pg_trgm (a trusted extension: the database's owner may install it).
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

        CREATE TABLE {schema}.directory_records (
            kind text NOT NULL CHECK (kind IN ('company', 'authority')),
            slug text NOT NULL,
            imported jsonb,
            imported_sha256 text,
            imported_at timestamptz,
            own jsonb,
            own_by text,
            own_at timestamptz,
            version int NOT NULL,
            search_text text NOT NULL,
            boost real NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (kind, slug),
            CHECK (imported IS NOT NULL OR own IS NOT NULL));
        CREATE INDEX directory_records_search ON {schema}.directory_records USING gin (search_text public.gin_trgm_ops);

        CREATE TABLE {schema}.directory_audit (
            id bigserial PRIMARY KEY,
            kind text NOT NULL,
            slug text NOT NULL,
            action text NOT NULL,
            actor text NOT NULL,
            reason text NOT NULL,
            before jsonb,
            after jsonb,
            version int NOT NULL,
            at timestamptz NOT NULL);
        CREATE INDEX directory_audit_record ON {schema}.directory_audit (kind, slug, id);

        CREATE TABLE {schema}.directory_imports (
            id bigserial PRIMARY KEY,
            snapshot_sha256 text NOT NULL,
            records int NOT NULL,
            inserted int NOT NULL,
            updated int NOT NULL,
            unchanged int NOT NULL,
            kept_own int NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz NOT NULL);
        """,
        // The search as one function (DirectoryRecords.SearchAsync): one round trip without a transaction, its plans kept
        // per connection by PL/pgSQL instead of planned for each search, and the planner held to the trigram index. With a
        // LIMIT the planner takes a sequential scan, or the primary key's scan in slug order, that stops at the 100th
        // match: when few records match (the usual case) that computes word similarity for every record (a second per
        // search); when thousands share a word ("buurtforum"), for thousands of them (40 ms). The GIN bitmap scan instead
        // rechecks only candidates that share trigrams, and stops at the 100th.
        // First the text as typed (LIKE, also for parts too short for trigrams); only when it occurs nowhere, the typos
        // (word similarity finds "facebok" in "meta platforms ireland limited facebook, inc. …"). Most searches name
        // something that exists, and the similarity branch is the costlier one: its trigrams include the common ones
        // (" co", "com", "om " of every domain), so running both for every search took three times the work. Each branch
        // ranks at most 100 candidates; among matches of the text as typed, a match at the start counts 0.3 more.
        """
        CREATE FUNCTION {schema}.directory_search(p_kind text, p_query text, p_category text, p_limit int)
        RETURNS TABLE (kind text, slug text, version int, record jsonb, own boolean)
        LANGUAGE plpgsql STABLE
        SET enable_seqscan = off
        SET enable_indexscan = off
        AS $fn$
        #variable_conflict use_column
        DECLARE
            escaped text := replace(replace(replace(p_query, '\', '\\'), '%', '\%'), '_', '\_');
        BEGIN
            RETURN QUERY
            WITH candidates AS (
                SELECT d.slug FROM {schema}.directory_records d
                WHERE d.kind = p_kind AND d.search_text LIKE '%' || escaped || '%'
                  AND (p_category IS NULL OR coalesce(d.own, d.imported)->'categories' ? p_category) LIMIT 100)
            SELECT d.kind, d.slug, d.version, coalesce(d.own, d.imported), d.own IS NOT NULL
            FROM {schema}.directory_records d JOIN candidates c ON c.slug = d.slug
            WHERE d.kind = p_kind
            ORDER BY public.word_similarity(p_query, d.search_text) + d.boost
                + CASE WHEN d.search_text LIKE escaped || '%' THEN 0.3 ELSE 0 END DESC, d.slug
            LIMIT p_limit;
            IF FOUND THEN
                RETURN;
            END IF;
            RETURN QUERY
            WITH candidates AS (
                SELECT d.slug FROM {schema}.directory_records d
                WHERE d.kind = p_kind AND p_query OPERATOR(public.<%) d.search_text
                  AND (p_category IS NULL OR coalesce(d.own, d.imported)->'categories' ? p_category) LIMIT 100)
            SELECT d.kind, d.slug, d.version, coalesce(d.own, d.imported), d.own IS NOT NULL
            FROM {schema}.directory_records d JOIN candidates c ON c.slug = d.slug
            WHERE d.kind = p_kind
            ORDER BY public.word_similarity(p_query, d.search_text) + d.boost DESC, d.slug
            LIMIT p_limit;
        END
        $fn$;
        """,
    ];
}
