using JasperFx.Events;
using Marten;
using Takedown.Domain.Letters;

namespace Takedown.Application.ReadModels;

/// <summary>
/// One row per letter: what waits for the victim's approval, what was sent with which Message-ID, what failed.
/// The text itself stays in the events (it is the evidence); the row carries only the subject and the hash. Inline.
/// </summary>
public sealed class LetterOverviewProjection(string schema) : TableProjection
{
    public override string Name => "letter-overview";

    public override Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var id = ("id", (object?)e.StreamId);
            var at = ("at", (object?)e.Timestamp.ToUniversalTime());
            switch (e.Data)
            {
                case LetterPrepared p:
                    Queue(operations, $"""
                        INSERT INTO {schema}.letter_overview (id, case_id, request_id, kind, status, subject, content_sha256, needs_approval, prepared_at, updated_at)
                        VALUES (@id, @case, @request, @kind, 'Prepared', @subject, @sha, @needs, @at, @at) ON CONFLICT (id) DO NOTHING
                        """,
                        id, at, ("case", p.CaseId), ("request", p.RequestId), ("kind", p.Kind), ("subject", p.Subject), ("sha", p.ContentSha256),
                        ("needs", p.NeedsApproval));
                    break;
                case LetterApproved:
                    Queue(operations, $"UPDATE {schema}.letter_overview SET status = 'Approved', approved_at = @at, updated_at = @at WHERE id = @id", id, at);
                    break;
                case LetterSent s:
                    Queue(operations, $"UPDATE {schema}.letter_overview SET status = 'Sent', sent_at = @at, message_id = @message, updated_at = @at WHERE id = @id",
                        id, at, ("message", s.MessageId));
                    break;
                case LetterSendFailed f:
                    Queue(operations, $"UPDATE {schema}.letter_overview SET status = 'Failed', failure = @failure, updated_at = @at WHERE id = @id",
                        id, at, ("failure", $"{f.StatusCode} {f.Reason}".Trim()));
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
