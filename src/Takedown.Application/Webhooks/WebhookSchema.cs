namespace Takedown.Application.Webhooks;

/// <summary>
/// The webhook tables: the platform ticket lookup, the inbox of incoming webhooks (waiting, then applied), the outgoing
/// subscriptions (their signing secrets sealed under the master key) and their delivery log. Only the inbox holds personal data (a platform's statement of reasons can
/// quote the reported content), in a waiting update's body: cleared once applied, sealed with the case's key while it
/// waits.
/// </summary>
public static class WebhookSchema
{
    public const string Component = "webhooks";

    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.platform_tickets (
            platform text NOT NULL,
            ticket_id text NOT NULL,
            report_id uuid NOT NULL,
            last_update_at timestamptz,
            PRIMARY KEY (platform, ticket_id));

        CREATE TABLE {schema}.webhook_inbox (
            integration text NOT NULL,
            webhook_id text NOT NULL,
            received_at timestamptz NOT NULL,
            report_id uuid,
            outcome text NOT NULL,
            PRIMARY KEY (integration, webhook_id));
        CREATE INDEX webhook_inbox_received ON {schema}.webhook_inbox (received_at);

        CREATE TABLE {schema}.webhook_subscriptions (
            id uuid PRIMARY KEY,
            owner text NOT NULL,
            url text NOT NULL,
            secret text NOT NULL,
            event_types text[] NOT NULL,
            created_at timestamptz NOT NULL,
            disabled_at timestamptz,
            consecutive_failures int NOT NULL DEFAULT 0);
        CREATE INDEX webhook_subscriptions_owner ON {schema}.webhook_subscriptions (owner) WHERE disabled_at IS NULL;

        CREATE TABLE {schema}.webhook_deliveries (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subscription_id uuid NOT NULL REFERENCES {schema}.webhook_subscriptions (id) ON DELETE CASCADE,
            webhook_id text NOT NULL,
            event_type text NOT NULL,
            attempt int NOT NULL,
            attempted_at timestamptz NOT NULL,
            status_code int,
            outcome text NOT NULL,
            error text);
        CREATE INDEX webhook_deliveries_subscription ON {schema}.webhook_deliveries (subscription_id, id DESC);
        """,
        // The inbox keeps a verified update until it is applied (the body is cleared then); the ticket rows are
        // found by report when a batch of updates is applied.
        """
        ALTER TABLE {schema}.webhook_inbox
            ADD COLUMN body bytea,
            ADD COLUMN trace_parent text,
            ADD COLUMN next_attempt_at timestamptz,
            ADD COLUMN attempts int NOT NULL DEFAULT 0,
            ADD COLUMN last_error text,
            ADD COLUMN processed_at timestamptz;
        UPDATE {schema}.webhook_inbox SET next_attempt_at = received_at, processed_at = received_at;
        -- Every update is inserted while a platform waits for its answer: one index fewer to keep. The hourly prune
        -- of finished rows reads the table instead.
        DROP INDEX {schema}.webhook_inbox_received;
        ALTER TABLE {schema}.webhook_inbox ALTER COLUMN next_attempt_at SET NOT NULL;
        CREATE INDEX webhook_inbox_waiting ON {schema}.webhook_inbox (next_attempt_at, received_at) WHERE outcome IN ('pending', 'failed');
        CREATE INDEX platform_tickets_report ON {schema}.platform_tickets (report_id);
        """,
        // A body that waits (an update that failed and will be retried, or one a host that does not apply received)
        // is sealed with the key of its report's case (PlatformStatusWebhooks.SealWaitingAsync); sealed_for names that
        // case, NULL marks a body still in plaintext. The endpoint's insert is unchanged: no index is added for it.
        """
        ALTER TABLE {schema}.webhook_inbox ADD COLUMN sealed_for uuid;
        """,
        // A subscription's signing secret is sealed under the master key (WebhookSecretSealing): a dump must not let
        // anyone sign deliveries in our name. Secrets stored before are sealed by a start-up pass of every host, which
        // clears the plaintext column.
        """
        ALTER TABLE {schema}.webhook_subscriptions ADD COLUMN sealed_secret bytea, ALTER COLUMN secret DROP NOT NULL;
        """,
    ];
}
