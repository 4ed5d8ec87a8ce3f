using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Domain.Cases;

namespace Takedown.Application.ReadModels;

/// <summary>One row per case: who owns it (from the opening event's actor), its state. Inline.</summary>
public sealed class CaseOverviewProjection(string schema) : TableProjection
{
    public override string Name => "case-overview";

    public override Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var at = e.Timestamp.ToUniversalTime();
            switch (e.Data)
            {
                case CaseOpened opened:
                    Queue(operations, $"""
                        INSERT INTO {schema}.case_overview (id, reference, owner, language, status, escalation_mode, opened_at, updated_at, version)
                        VALUES (@id, @reference, @owner, @language, 'Open', @mode, @at, @at, 1)
                        ON CONFLICT (id) DO NOTHING
                        """,
                        ("id", e.StreamId), ("reference", opened.Reference), ("owner", e.Actor() ?? "system"), ("language", opened.Language),
                        ("mode", opened.EscalationMode.ToString()), ("at", at));
                    break;
                case EscalationModeChanged changed:
                    Queue(operations, $"UPDATE {schema}.case_overview SET escalation_mode = @mode, updated_at = @at, version = version + 1 WHERE id = @id",
                        ("id", e.StreamId), ("mode", changed.EscalationMode.ToString()), ("at", at));
                    break;
                case CaseClosed:
                    Queue(operations, $"UPDATE {schema}.case_overview SET status = 'Closed', updated_at = @at, version = version + 1 WHERE id = @id",
                        ("id", e.StreamId), ("at", at));
                    break;
                case CaseDeletedByVictim:
                    Queue(operations, $"DELETE FROM {schema}.case_overview WHERE id = @id", ("id", e.StreamId));
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
