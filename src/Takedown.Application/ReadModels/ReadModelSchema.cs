namespace Takedown.Application.ReadModels;

/// <summary>
/// Relational read models for lists and dashboards (an operator's 300 open cases must never scan streams).
/// They hold no victim personal data: counterparties are companies and platforms; details are read from the stream.
/// </summary>
public static class ReadModelSchema
{
    public const string Component = "read-models";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.case_overview (
            id uuid PRIMARY KEY,
            reference text NOT NULL UNIQUE,
            owner text NOT NULL,
            language text NOT NULL,
            status text NOT NULL,
            escalation_mode text NOT NULL,
            opened_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            version bigint NOT NULL);
        CREATE INDEX case_overview_owner ON {schema}.case_overview (owner);
        CREATE INDEX case_overview_opened ON {schema}.case_overview (opened_at);

        CREATE TABLE {schema}.request_overview (
            id uuid PRIMARY KEY,
            case_id uuid NOT NULL,
            kind text NOT NULL,
            status text NOT NULL,
            is_open boolean NOT NULL,
            counterparty text NOT NULL,
            category text,
            opened_at timestamptz NOT NULL,
            sent_at timestamptz,
            answered_at timestamptz,
            outcome text,
            deadline_kind text,
            due_date date,
            due_at timestamptz,
            explanation_nl text,
            explanation_en text,
            needs_operator boolean NOT NULL DEFAULT false,
            answered_in_time boolean,
            updated_at timestamptz NOT NULL,
            version bigint NOT NULL);
        CREATE INDEX request_overview_case ON {schema}.request_overview (case_id);
        CREATE INDEX request_overview_due ON {schema}.request_overview (due_at) WHERE is_open;
        CREATE INDEX request_overview_operator ON {schema}.request_overview (updated_at) WHERE needs_operator;
        """,
        """
        CREATE TABLE {schema}.letter_overview (
            id uuid PRIMARY KEY,
            case_id uuid NOT NULL,
            request_id uuid NOT NULL,
            kind text NOT NULL,
            status text NOT NULL,
            subject text NOT NULL,
            content_sha256 text NOT NULL,
            needs_approval boolean NOT NULL,
            prepared_at timestamptz NOT NULL,
            approved_at timestamptz,
            sent_at timestamptz,
            message_id text,
            failure text,
            updated_at timestamptz NOT NULL);
        CREATE INDEX letter_overview_request ON {schema}.letter_overview (request_id);
        CREATE INDEX letter_overview_case ON {schema}.letter_overview (case_id);
        CREATE INDEX letter_overview_failed ON {schema}.letter_overview (updated_at) WHERE status = 'Failed';
        """,
        """
        -- Raw replies, kept as received (evidence); the request's stream refers to them by id and SHA-256.
        CREATE TABLE {schema}.inbound_mail (
            id uuid PRIMARY KEY,
            request_id uuid,
            raw bytea NOT NULL,
            sha256 text NOT NULL,
            proposed_meaning text NOT NULL,
            confidence real NOT NULL,
            received_at timestamptz NOT NULL,
            confirmed_meaning text,
            confirmed_at timestamptz);
        CREATE INDEX inbound_mail_request ON {schema}.inbound_mail (request_id);
        CREATE INDEX inbound_mail_unconfirmed ON {schema}.inbound_mail (received_at) WHERE confirmed_meaning IS NULL;
        """,
        // Raw replies are sealed (ReplySealing): with the key of their case, or, for mail matched to no case, with the
        // key of the month it arrived in. sealed_for names that key's subject. Rows written before this step keep NULL
        // and their plaintext until the start-up pass seals them; readers take either form meanwhile.
        """
        ALTER TABLE {schema}.inbound_mail ADD COLUMN sealed_for uuid;
        CREATE INDEX inbound_mail_plaintext ON {schema}.inbound_mail (id) WHERE sealed_for IS NULL;
        CREATE INDEX inbound_mail_sealed_for ON {schema}.inbound_mail (sealed_for, received_at);
        """,
        // Crypto-shredding's keys (one per case, wrapped with the master key; destroying one sets it to NULL and keeps
        // the row, so the case never gets a new key later events could be read with), and which case each stream
        // belongs to, kept by CaseStreamsProjection: what erasing a case scrubs, and whose key seals a later event.
        """
        CREATE TABLE IF NOT EXISTS {schema}.encryption_keys (
            subject_id uuid PRIMARY KEY,
            key bytea,
            created_at timestamptz NOT NULL,
            destroyed_at timestamptz);
        CREATE TABLE {schema}.case_streams (
            stream_id uuid PRIMARY KEY,
            case_id uuid NOT NULL,
            type text NOT NULL,
            created_at timestamptz NOT NULL);
        CREATE INDEX case_streams_case ON {schema}.case_streams (case_id);
        """,
        // How each controller picked from the directory answered (DirectoryAnswerTimesProjection): one row per erasure
        // request sent to it, with the ends of its first month and of its deadline (an extension and an identity check
        // move them), for the operators' statistics ("answered within the month 8 of 10 times"). No personal data: the
        // record, the company's name and times. Rows of an erased case go with it (request_id, as CaseErasure finds it).
        """
        CREATE TABLE {schema}.directory_answer_times (
            request_id uuid PRIMARY KEY,
            directory_record_id text NOT NULL,
            controller_name text NOT NULL,
            sent_at timestamptz NOT NULL,
            month_ends_at timestamptz NOT NULL,
            due_at timestamptz NOT NULL,
            answered_at timestamptz,
            outcome text,
            withdrawn boolean NOT NULL,
            version bigint NOT NULL);
        CREATE INDEX directory_answer_times_record ON {schema}.directory_answer_times (directory_record_id);
        """,
        ReadModelCounters.Step,
    ];
}
