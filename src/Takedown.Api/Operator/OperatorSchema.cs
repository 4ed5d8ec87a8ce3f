using Npgsql;
using Takedown.EventStore;

namespace Takedown.Api.Operator;

/// <summary>
/// Indexes the dashboard's lists and counts need on the shared read models: open deadlines by due time (with the
/// due date, so the counts are index-only) and the requests waiting for an operator by kind.
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
    ];

    /// <summary>
    /// Runs once every hosted service has started, so after the read models' own migration created the tables
    /// whatever order the services were registered in.
    /// </summary>
    public sealed class Migration(NpgsqlDataSource dataSource, EventStoreOptions options) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(dataSource, options.Schema, Component, Steps, cancellationToken);

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
