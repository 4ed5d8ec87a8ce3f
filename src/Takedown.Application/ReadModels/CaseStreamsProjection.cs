using JasperFx.Events;
using Marten;
using Takedown.Application.Sealing;

namespace Takedown.Application.ReadModels;

/// <summary>
/// Which case each stream belongs to, and the stream's kind (its first event's name) and start: the first event of
/// every stream names its case: what erasing a case scrubs
/// from the read models and the outbox, and whose key seals a later event of the stream. Inline.
/// </summary>
public sealed class CaseStreamsProjection(string schema) : TableProjection
{
    private static readonly Func<object, Guid?> CaseOf = PersonalDataProtection.SubjectFromProperty("CaseId");

    public override string Name => "case-streams";

    public override Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            if (stream.FirstOrDefault(e => CaseOf(e.Data) is not null) is { } first)
            {
                Queue(operations, $"""
                    INSERT INTO {schema}.case_streams (stream_id, case_id, type, created_at) VALUES (@stream, @case, @type, @at)
                    ON CONFLICT (stream_id) DO NOTHING
                    """,
                    ("stream", stream.Key), ("case", CaseOf(first.Data)), ("type", first.EventTypeName), ("at", first.Timestamp.ToUniversalTime()));
            }
        }
        return Task.CompletedTask;
    }
}
