using Npgsql;
using Takedown.Domain.Letters;
using Takedown.EventStore;

namespace Takedown.Application.ReadModels;

/// <summary>
/// One row per letter: what waits for the victim's approval, what was sent with which Message-ID, what failed.
/// The text itself stays in the events (it is the evidence); the row carries only the subject and the hash.
/// </summary>
public sealed class LetterOverviewProjection : IProjection
{
    public string Name => "letter-overview";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var (sql, parameters) = e.Data switch
            {
                LetterPrepared p => ($"""
                    INSERT INTO {context.Schema}.letter_overview (id, case_id, request_id, kind, status, subject, content_sha256, needs_approval, prepared_at, updated_at)
                    VALUES (@id, @case, @request, @kind, 'Prepared', @subject, @sha, @needs, @at, @at) ON CONFLICT (id) DO NOTHING
                    """, new object?[] { p.CaseId, p.RequestId, p.Kind, p.Subject, p.ContentSha256, p.NeedsApproval }),
                LetterApproved => ($"UPDATE {context.Schema}.letter_overview SET status = 'Approved', approved_at = @at, updated_at = @at WHERE id = @id", []),
                LetterSent s => ($"UPDATE {context.Schema}.letter_overview SET status = 'Sent', sent_at = @at, message_id = @message, updated_at = @at WHERE id = @id",
                    new object?[] { s.MessageId }),
                LetterSendFailed f => ($"UPDATE {context.Schema}.letter_overview SET status = 'Failed', failure = @failure, updated_at = @at WHERE id = @id",
                    new object?[] { $"{f.StatusCode} {f.Reason}".Trim() }),
                _ => ((string?)null, Array.Empty<object?>()),
            };
            if (sql is null)
            {
                continue;
            }
            await using var command = new NpgsqlCommand(sql, context.Connection, context.Transaction);
            command.Parameters.AddWithValue("id", e.StreamId);
            command.Parameters.AddWithValue("at", e.Timestamp);
            switch (e.Data)
            {
                case LetterPrepared:
                    string[] names = ["case", "request", "kind", "subject", "sha", "needs"];
                    for (var i = 0; i < names.Length; i++)
                    {
                        command.Parameters.AddWithValue(names[i], parameters[i]!);
                    }
                    break;
                case LetterSent:
                    command.Parameters.AddWithValue("message", parameters[0]!);
                    break;
                case LetterSendFailed:
                    command.Parameters.AddWithValue("failure", parameters[0]!);
                    break;
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = new NpgsqlCommand($"TRUNCATE {context.Schema}.letter_overview", context.Connection, context.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
