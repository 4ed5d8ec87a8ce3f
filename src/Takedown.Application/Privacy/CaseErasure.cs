using Npgsql;
using Takedown.Domain;
using Takedown.Domain.Cases;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.Privacy;

/// <summary>
/// Erases a case (GDPR Art. 17, for the victim at any time and by the retention sweep): records the deletion on the
/// case, destroys the case's key so the personal data in every event of every stream of the case becomes unreadable,
/// and removes the case's rows from the read models and its pending messages from the outbox, all in one transaction.
/// The events themselves stay: the history of what was done remains, without whom it was done for.
/// </summary>
public sealed class CaseErasure(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time, IEnumerable<ICaseDataScrubber> scrubbers)
{
    /// <summary>
    /// Erases the case; false when there is no such case. Repeating it is harmless (the deletion is recorded once,
    /// the scrubbing finds nothing more).
    /// </summary>
    /// <param name="caseId">The case.</param>
    /// <param name="actor">Who asked: "victim", "integration:&lt;name&gt;", "system:retention". Never a name.</param>
    /// <param name="cancellationToken">Cancels the erasure; nothing is changed then.</param>
    public async Task<bool> EraseAsync(Guid caseId, string actor, CancellationToken cancellationToken = default)
    {
        // The erasure touches rows a worker may be handling at the same moment (the case's messages, its read
        // models): PostgreSQL then aborts one of the two as a deadlock. The transaction wrote nothing that stays, so
        // it is simply tried again; the other side's handler is retried by the messaging engine the same way.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EraseOnceAsync(caseId, actor, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * attempt), time, cancellationToken);
            }
            catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict) && attempt < 5)
            {
            }
        }
    }

    private async Task<bool> EraseOnceAsync(Guid caseId, string actor, CancellationToken cancellationToken)
    {
        var protection = options.Protection
            ?? throw new InvalidOperationException("Personal data protection is not configured: a case cannot be erased.");
        var schema = options.Schema;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var session = store.OpenSession(transaction, new EventMetadata(Actor: actor));
        try
        {
            await session.DecideAsync(caseId, Case.Initial, Case.Evolve, state => Case.Decide(new DeleteCase(caseId, time.GetUtcNow()), state), cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return false;
        }
        await session.SaveChangesAsync(cancellationToken);
        await protection.DestroyKeyAsync(connection, transaction, schema, caseId, time.GetUtcNow(), cancellationToken);

        // Every stream of the case recorded the case as its subject when it started; their ids are what the read
        // models and the outbox know them by.
        await using var scrub = new NpgsqlCommand($"""
            CREATE TEMP TABLE erased_streams ON COMMIT DROP AS
                SELECT stream_id AS id FROM {schema}.case_streams WHERE case_id = @case;
            DELETE FROM {schema}.case_overview WHERE id = @case;
            DELETE FROM {schema}.request_overview WHERE case_id = @case;
            -- Every other table that keeps rows by case, request or letter (read models, raw replies, delivery
            -- receipts, a portal's attachments, tables added later): found by its column, so none is forgotten.
            DO $$
            DECLARE t record;
            BEGIN
                FOR t IN
                    SELECT c.table_name, c.column_name
                    FROM information_schema.columns c JOIN information_schema.tables tb USING (table_schema, table_name)
                    WHERE c.table_schema = '{schema}' AND tb.table_type = 'BASE TABLE' AND c.data_type = 'uuid'
                      AND c.column_name IN ('case_id', 'request_id', 'letter_id', 'report_id', 'complaint_id', 'diary_id')
                      -- Which case a stream belongs to holds no personal data, and later events of the stream need it.
                      AND c.table_name <> 'case_streams'
                LOOP
                    EXECUTE format('DELETE FROM %I.%I WHERE %I IN (SELECT id FROM erased_streams)', '{schema}', t.table_name, t.column_name);
                END LOOP;
            END $$;
            DELETE FROM {schema}.messages m
                WHERE EXISTS (SELECT 1 FROM jsonb_each_text(m.body) f WHERE f.value IN (SELECT id::text FROM erased_streams));
            DELETE FROM {schema}.dead_letters d
                WHERE EXISTS (SELECT 1 FROM jsonb_each_text(d.body) f WHERE f.value IN (SELECT id::text FROM erased_streams));
            -- Wolverine's messages of the case (waiting deadline checks, retries, dead letters, queued ones): their
            -- stored envelopes hold the message's JSON, which names the request or report by id.
            DO $$
            DECLARE t record;
            BEGIN
                FOR t IN
                    SELECT c.table_name FROM information_schema.columns c
                    WHERE c.table_schema = '{options.MessageSchema}' AND c.column_name = 'body' AND c.data_type = 'bytea'
                      AND c.table_name <> 'wolverine_control_queue'
                LOOP
                    EXECUTE format('DELETE FROM %I.%I m WHERE EXISTS (SELECT 1 FROM erased_streams e WHERE position(convert_to(e.id::text, ''UTF8'') IN m.body) > 0)',
                                   '{options.MessageSchema}', t.table_name);
                END LOOP;
            END $$;
            """, connection, transaction);
        scrub.Parameters.AddWithValue("case", caseId);
        await scrub.ExecuteNonQueryAsync(cancellationToken);
        foreach (var scrubber in scrubbers)
        {
            await scrubber.ScrubAsync(connection, transaction, caseId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

/// <summary>
/// A read model or table outside the core ones that keeps rows about a case (a portal's, a dashboard's): register one
/// (<c>services.AddSingleton&lt;ICaseDataScrubber, ...&gt;()</c>) and erasing a case removes them in the same transaction.
/// </summary>
public interface ICaseDataScrubber
{
    Task ScrubAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid caseId, CancellationToken cancellationToken);
}
