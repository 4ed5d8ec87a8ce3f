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
    ];
}
