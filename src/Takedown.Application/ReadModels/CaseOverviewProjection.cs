using Npgsql;
using Takedown.Domain.Cases;
using Takedown.EventStore;

namespace Takedown.Application.ReadModels;

/// <summary>One row per case: who owns it (from the opening event's actor), its state. Inline.</summary>
public sealed class CaseOverviewProjection : IProjection
{
    public string Name => "case-overview";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var sql = e.Data switch
            {
                CaseOpened => $"""
                    INSERT INTO {context.Schema}.case_overview (id, reference, owner, language, status, escalation_mode, opened_at, updated_at, version)
                    VALUES (@id, @reference, @owner, @language, 'Open', @mode, @at, @at, @version)
                    ON CONFLICT (id) DO NOTHING
                    """,
                EscalationModeChanged => $"UPDATE {context.Schema}.case_overview SET escalation_mode = @mode, updated_at = @at, version = @version WHERE id = @id AND version < @version",
                CaseClosed => $"UPDATE {context.Schema}.case_overview SET status = 'Closed', updated_at = @at, version = @version WHERE id = @id AND version < @version",
                CaseDeletedByVictim => $"DELETE FROM {context.Schema}.case_overview WHERE id = @id",
                _ => null,
            };
            if (sql is null)
            {
                continue;
            }
            await using var command = new NpgsqlCommand(sql, context.Connection, context.Transaction);
            command.Parameters.AddWithValue("id", e.StreamId);
            command.Parameters.AddWithValue("at", e.Timestamp);
            command.Parameters.AddWithValue("version", e.Version);
            switch (e.Data)
            {
                case CaseOpened opened:
                    command.Parameters.AddWithValue("reference", opened.Reference);
                    command.Parameters.AddWithValue("owner", e.Metadata.Actor ?? "system");
                    command.Parameters.AddWithValue("language", opened.Language);
                    command.Parameters.AddWithValue("mode", opened.EscalationMode.ToString());
                    break;
                case EscalationModeChanged changed:
                    command.Parameters.AddWithValue("mode", changed.EscalationMode.ToString());
                    break;
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = new NpgsqlCommand($"TRUNCATE {context.Schema}.case_overview", context.Connection, context.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
