namespace Takedown.Api.Portal;

/// <summary>
/// The portal's own tables. No plain e-mail address is stored: a victim is found by the HMAC of their address.
/// Sign-in tokens are stored only as their SHA-256, so a copy of the database cannot be used to sign in.
/// </summary>
internal static class PortalSchema
{
    public const string Component = "portal";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.portal_victims (
            id uuid PRIMARY KEY,
            email_hmac text NOT NULL UNIQUE,
            security_stamp text NOT NULL,
            created_at timestamptz NOT NULL);

        CREATE TABLE {schema}.portal_sign_in_tokens (
            token_sha256 text PRIMARY KEY,
            victim_id uuid NOT NULL REFERENCES {schema}.portal_victims (id) ON DELETE CASCADE,
            expires_at timestamptz NOT NULL,
            used_at timestamptz,
            created_at timestamptz NOT NULL);
        CREATE INDEX portal_sign_in_tokens_victim ON {schema}.portal_sign_in_tokens (victim_id);

        CREATE TABLE {schema}.portal_diary_attachments (
            id uuid PRIMARY KEY,
            case_id uuid NOT NULL,
            file_name text NOT NULL,
            content_type text NOT NULL,
            size bigint NOT NULL,
            sha256 text NOT NULL,
            content bytea NOT NULL,
            created_at timestamptz NOT NULL);
        CREATE INDEX portal_diary_attachments_case ON {schema}.portal_diary_attachments (case_id);
        """,
        // Attachments are sealed with their case's key (PortalDiary), so erasing the case makes them unreadable even
        // where a row survives, in a backup say. Rows written before this step stay plaintext (sealed = false) until
        // the portal's start-up pass seals them; readers take either form meanwhile. A sealed row keeps its file name
        // in sealed_file_name and an empty file_name.
        """
        ALTER TABLE {schema}.portal_diary_attachments
            ADD COLUMN sealed boolean NOT NULL DEFAULT false,
            ADD COLUMN sealed_file_name bytea;
        CREATE INDEX portal_diary_attachments_plaintext ON {schema}.portal_diary_attachments (id) WHERE NOT sealed;
        """,
    ];
}
