using System.Security.Claims;
using Npgsql;
using Takedown.Application;
using Takedown.Domain;
using Takedown.Domain.Letters;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Operator;

/// <summary>A letter the mail server refused for good, from the letter_overview read model.</summary>
public sealed record FailedLetterRow(
    Guid LetterId, Guid CaseId, string CaseReference, Guid RequestId, string Kind, string? Counterparty, string Subject, string Failure,
    DateTimeOffset FailedAt);

/// <summary>
/// Letters whose sending failed permanently (a 5xx: usually a wrong address). Sending the same text to the same address
/// again would fail again, so there is no retry here: the operator fixes the cause on the case and marks the letter
/// handled, which is recorded in the letter's stream.
/// </summary>
public sealed class FailedLetters(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time)
{
    public const int ListLimit = 200;

    private string S => options.Schema;

    /// <summary>Failed letters not marked handled since they failed, oldest first.</summary>
    public async Task<IReadOnlyList<FailedLetterRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT l.id, l.case_id, coalesce(c.reference, ''), l.request_id, l.kind, r.counterparty, l.subject, coalesce(l.failure, ''), l.updated_at
            FROM {S}.letter_overview l
            LEFT JOIN {S}.case_overview c ON c.id = l.case_id
            LEFT JOIN {S}.request_overview r ON r.id = l.request_id
            WHERE l.status = 'Failed' AND NOT EXISTS (
                SELECT 1 FROM {S}.operator_failed_letter_handled h WHERE h.letter_id = l.id AND h.handled_at >= l.updated_at)
            ORDER BY l.updated_at, l.id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ListLimit });
        var rows = new List<FailedLetterRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FailedLetterRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return rows;
    }

    /// <summary>
    /// Records that an operator dealt with the failure: the audit event in the letter's stream (at the version the
    /// letter was read, so it is known to have failed) and the row that takes it off the list, in one transaction.
    /// Returns false when it was already marked handled.
    /// </summary>
    public async Task<bool> MarkHandledAsync(ClaimsPrincipal user, Guid letterId, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.MarkFailedLetterHandled);
        var operatorId = user.OperatorId();
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var handled = new NpgsqlCommand($"""
            INSERT INTO {S}.operator_failed_letter_handled (letter_id, operator_id, handled_at)
            SELECT id, @operator, @now FROM {S}.letter_overview WHERE id = @id AND status = 'Failed'
            ON CONFLICT (letter_id) DO UPDATE SET operator_id = excluded.operator_id, handled_at = excluded.handled_at
            WHERE {S}.operator_failed_letter_handled.handled_at < (SELECT updated_at FROM {S}.letter_overview WHERE id = @id)
            """, connection, transaction))
        {
            handled.Parameters.AddWithValue("id", letterId);
            handled.Parameters.AddWithValue("operator", operatorId);
            handled.Parameters.AddWithValue("now", now);
            if (await handled.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        var session = store.OpenSession(transaction, new EventMetadata(correlationId, null, "operator:" + operatorId));
        await session.DecideAsync(letterId, Letter.Initial, Letter.Evolve, letter => letter.Status == LetterStatus.Failed
            ? [new OperatorActionRecorded(letterId, operatorId, OperatorActions.MarkFailedLetterHandled, now)]
            : throw new DomainRuleViolated("Only a letter whose sending failed can be marked handled."), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
