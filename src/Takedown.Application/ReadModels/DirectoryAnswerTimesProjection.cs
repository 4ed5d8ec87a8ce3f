using JasperFx.Events;
using Marten;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Application.ReadModels;

/// <summary>
/// How the controllers picked from the controller directory answer: one row per erasure request sent to a controller
/// whose request keeps its directory record (<see cref="ErasureRequestDrafted.DirectoryRecordId"/>), with when it was
/// sent, when its first month and its deadline end (both computed by the deadline engine, so a claimed extension or an
/// identity check moves them) and the first answer. The operators' statistics count from it how often each record's
/// controller answered within the month (<see cref="ControllerDirectory.DirectoryAnswerTimes"/>). Inline: the row is
/// current when the append commits.
/// </summary>
/// <remarks>
/// A projection of its own beside <see cref="AnswerTimeProjection"/>, which records the same first answers as a metric:
/// that one must see each answer exactly once (a rebuild would count it again), this one is a table a rebuild simply
/// writes again. Requests typed in by hand, and requests never sent, have no row.
/// </remarks>
public sealed class DirectoryAnswerTimesProjection(string schema, DeadlineEngine engine) : TableProjection
{
    public override string Name => "directory-answer-times";

    public override async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        Guid[] touched = [.. events.Where(e => MovesTheFigures(e.Data)).Select(e => e.StreamId).Distinct()];
        if (touched.Length == 0)
        {
            return;
        }
        var streams = await WholeStreamsAsync(operations, events, touched, cancellation);
        foreach (var stream in streams.Values)
        {
            var data = stream.Select(e => e.Data).ToList();
            if (data.OfType<ErasureRequestDrafted>().FirstOrDefault() is not { DirectoryRecordId: { } recordId } drafted
                || data.OfType<ErasureRequestSent>().LastOrDefault() is not { } sent)
            {
                continue;
            }
            var state = data.Aggregate(ErasureRequest.Initial, ErasureRequest.Evolve);
            var answered = data.OfType<ErasureRequestAnswered>().FirstOrDefault();
            var withdrawn = data.OfType<ErasureRequestWithdrawn>().Any();
            Queue(operations, $"""
                INSERT INTO {schema}.directory_answer_times (request_id, directory_record_id, controller_name, sent_at, month_ends_at,
                    due_at, answered_at, outcome, withdrawn, version)
                VALUES (@id, @record, @name, @sent, @month, @due, @answered, @outcome, @withdrawn, @version)
                ON CONFLICT (request_id) DO UPDATE SET sent_at = excluded.sent_at, month_ends_at = excluded.month_ends_at,
                    due_at = excluded.due_at, answered_at = excluded.answered_at, outcome = excluded.outcome,
                    withdrawn = excluded.withdrawn, version = excluded.version
                WHERE {schema}.directory_answer_times.version < excluded.version
                """,
                ("id", state.Id), ("record", recordId), ("name", drafted.ControllerName), ("sent", sent.SentAt.ToUniversalTime()),
                ("month", state.ExtensionWindow(engine)!.DueAt.ToUniversalTime()), ("due", state.AnswerDeadline(engine)!.DueAt.ToUniversalTime()),
                ("answered", answered?.AnsweredAt.ToUniversalTime()), ("outcome", answered?.Outcome.ToString()), ("withdrawn", withdrawn),
                ("version", (long)stream.Count));
        }
    }

    private static bool MovesTheFigures(object data) => data is ErasureRequestSent or ExtensionClaimed or IdentityCheckRequested
        or IdentityCheckAnswered or ErasureRequestAnswered or ErasureRequestWithdrawn;
}
