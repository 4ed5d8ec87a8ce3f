namespace Takedown.EventStore;

/// <summary>The event store's tables, one step per schema version. Steps are never edited once released; add a new one.</summary>
internal static class EventStoreSchema
{
    public const string Component = "event-store";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.streams (
            id uuid PRIMARY KEY,
            type text NOT NULL,
            version bigint NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL);

        -- tx_id: the appending transaction. Readers that must never skip an event (the projection daemon) read
        -- only below the oldest running transaction (pg_snapshot_xmin), ordered by (tx_id, seq): a sequence
        -- number taken by a transaction that commits later can then never fall behind a reader's position.
        CREATE TABLE {schema}.events (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id uuid NOT NULL UNIQUE,
            stream_id uuid NOT NULL,
            version bigint NOT NULL,
            type text NOT NULL,
            data jsonb NOT NULL,
            metadata jsonb NOT NULL,
            timestamp timestamptz NOT NULL,
            tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
            UNIQUE (stream_id, version));
        CREATE INDEX events_tx_seq ON {schema}.events (tx_id, seq);

        CREATE TABLE {schema}.projection_progress (
            name text PRIMARY KEY,
            last_tx xid8 NOT NULL DEFAULT '0',
            last_seq bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now());

        CREATE TABLE {schema}.documents (
            type text NOT NULL,
            id uuid NOT NULL,
            data jsonb NOT NULL,
            version bigint NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (type, id));

        CREATE FUNCTION {schema}.append_conflict(stream uuid, expected bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'stream % is not at version %', stream, expected USING ERRCODE = 'TK409';
        END $$;
        """,
        """
        -- Crypto-shredding: one key per subject (a case), wrapped with the master key. Destroying a key sets it to
        -- NULL and keeps the row, so the subject never gets a new key that later events could be read with.
        CREATE TABLE {schema}.encryption_keys (
            subject_id uuid PRIMARY KEY,
            key bytea,
            created_at timestamptz NOT NULL,
            destroyed_at timestamptz);
        ALTER TABLE {schema}.streams ADD COLUMN subject_id uuid;
        CREATE INDEX streams_subject ON {schema}.streams (subject_id) WHERE subject_id IS NOT NULL;
        """,
    ];
}
