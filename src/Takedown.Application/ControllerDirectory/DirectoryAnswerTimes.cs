using Npgsql;
using Takedown.Application.Storage;

namespace Takedown.Application.ControllerDirectory;

/// <summary>
/// How one directory record's controller answered erasure requests so far. <paramref name="WithinMonth"/> of
/// <paramref name="MonthCounted"/>: answered within the first month (GDPR Art. 12(3); an identity check's pause moves its
/// end), out of the requests answered or whose first month is over. <paramref name="InTime"/> of
/// <paramref name="DeadlineCounted"/>: the same against the deadline, which a claimed extension moves to three months.
/// A request withdrawn before an answer counts in neither.
/// </summary>
/// <param name="RecordId">The directory record's slug.</param>
/// <param name="Name">The controller's name as the latest request to it gave it.</param>
/// <param name="Sent">Requests sent to it.</param>
/// <param name="Answered">Requests it answered.</param>
/// <param name="WithinMonth">Answered within the first month.</param>
/// <param name="MonthCounted">Answered, or their first month over.</param>
/// <param name="InTime">Answered by the deadline.</param>
/// <param name="DeadlineCounted">Answered, or their deadline passed.</param>
/// <param name="MedianDays">Median days from sending to the answer, or null without answers.</param>
public sealed record DirectoryAnswerTime(
    string RecordId, string Name, int Sent, int Answered, int WithinMonth, int MonthCounted, int InTime, int DeadlineCounted, double? MedianDays);

/// <summary>
/// The operators' figures per directory record, from the <c>directory_answer_times</c> read model
/// (<see cref="ReadModels.DirectoryAnswerTimesProjection"/>): a small table (one row per request to a picked controller)
/// grouped on each view, as of <paramref name="time"/>'s now.
/// </summary>
public sealed class DirectoryAnswerTimes(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time)
{
    /// <summary>The records with the most requests first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DirectoryAnswerTime>> ListAsync(int limit = 50, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT directory_record_id,
                   (array_agg(controller_name ORDER BY sent_at DESC))[1],
                   count(*)::int,
                   count(answered_at)::int,
                   count(*) FILTER (WHERE answered_at <= month_ends_at)::int,
                   count(*) FILTER (WHERE answered_at IS NOT NULL OR month_ends_at <= $1)::int,
                   count(*) FILTER (WHERE answered_at <= due_at)::int,
                   count(*) FILTER (WHERE answered_at IS NOT NULL OR due_at <= $1)::int,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - sent_at) / 86400)
            FROM {options.Schema}.directory_answer_times
            WHERE answered_at IS NOT NULL OR NOT withdrawn
            GROUP BY directory_record_id
            ORDER BY count(*) DESC, directory_record_id
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, 500) });
        var list = new List<DirectoryAnswerTime>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DirectoryAnswerTime(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                reader.GetInt32(6), reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetDouble(8)));
        }
        return list;
    }
}
