using System.Security.Claims;
using Npgsql;
using Takedown.Application.Replies;
using Takedown.Domain;
using Takedown.Domain.Operators;
using Takedown.EventStore;
using Takedown.Letters.Replies;
using Takedown.Messaging;

namespace Takedown.Api.Operator;

/// <summary>A reply waiting for confirmation, without its content (the list shows no personal data).</summary>
public sealed record ReplyRow(
    Guid Id, Guid? RequestId, Guid? CaseId, string? CaseReference, string? Counterparty, string ProposedMeaning, double Confidence,
    DateTimeOffset ReceivedAt, string? ConfirmedMeaning);

/// <summary>One reply with its decoded subject and text: personal data, shown only on the reply's own page.</summary>
public sealed record ReplyDetail(ReplyRow Reply, string? Subject, string BodyText);

/// <summary>What the operator decided a reply means; Dismiss confirms it as carrying no meaning for the deadline.</summary>
public enum ReplyDecision
{
    Answered,
    Extension,
    IdentityCheck,
    Bounce,
    Dismiss,
}

/// <summary>
/// Replies to confirm: the classifier only proposes; the operator's confirmation drives the request
/// (<see cref="ReplyConfirmation"/>), with the audit event and the inbound_mail row updated in the same transaction.
/// </summary>
public sealed class ReplyReview(EventStore.EventStore store, ReplyConfirmation confirmation, ReplySealing sealing, TimeProvider time)
{
    public const int ListLimit = 200;

    /// <summary>Stored in inbound_mail.confirmed_meaning for a dismissed reply (the request's event says Unknown).</summary>
    public const string Dismissed = "Dismissed";

    private string S => store.Options.Schema;

    /// <summary>Replies not confirmed yet, oldest first.</summary>
    public async Task<IReadOnlyList<ReplyRow>> UnconfirmedAsync(CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand($"""
            {Select(withRaw: false)} WHERE m.confirmed_meaning IS NULL ORDER BY m.received_at, m.id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ListLimit });
        var rows = new List<ReplyRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }
        return rows;
    }

    /// <summary>The reply with its decoded subject and plain text (null: no such reply, or its key was destroyed).</summary>
    public async Task<ReplyDetail?> DetailAsync(Guid replyId, CancellationToken cancellationToken)
    {
        // The key comes in the same round trip as the sealed message, never from a cache: a key destroyed by another
        // process counts at once.
        await using var command = store.DataSource.CreateCommand($"{Select(withRaw: true)} WHERE m.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = replyId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var raw = sealing.Open(replyId, reader.IsDBNull(10) ? null : reader.GetGuid(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<byte[]>(11),
            reader.GetFieldValue<byte[]>(9));
        if (raw is null)
        {
            return null;
        }
        var mail = InboundMailReader.Read(raw);
        return new ReplyDetail(ReadRow(reader), mail.Subject, mail.BodyText);
    }

    /// <summary>
    /// Confirms what the reply means. A reply matched to a request drives it (an extension, an identity check, an
    /// answer, a bounce) dated by the reply's arrival; a reply matched to nothing can only be dismissed, and is then
    /// deleted (mail of no case is not kept once it has been looked at). Returns false when someone confirmed the reply
    /// already.
    /// </summary>
    /// <exception cref="DomainRuleViolated">The request refuses what the reply would mean (e.g. an extension after the first month).</exception>
    /// <remarks><paramref name="outbox"/> carries the notice to the victim when the reply is a confirmed answer; it is saved in this transaction.</remarks>
    public async Task<bool> ConfirmAsync(
        ClaimsPrincipal user, Guid replyId, ReplyDecision decision, ReplyDetails details, string correlationId, MessageOutbox outbox,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(outbox);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.ConfirmReplyMeaning);
        var operatorId = user.OperatorId();
        var actor = "operator:" + operatorId;
        var now = time.GetUtcNow();
        var meaning = decision switch
        {
            ReplyDecision.Answered => ReplyMeaning.Answered,
            ReplyDecision.Extension => ReplyMeaning.Extension,
            ReplyDecision.IdentityCheck => ReplyMeaning.IdentityCheck,
            ReplyDecision.Bounce => ReplyMeaning.Bounce,
            _ => ReplyMeaning.Unknown,
        };
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid? requestId;
        Guid? sealedFor;
        // The update comes first and locks the row: of two operators confirming at once, the second finds it confirmed.
        await using (var update = new NpgsqlCommand($"""
            UPDATE {S}.inbound_mail SET confirmed_meaning = @meaning, confirmed_at = @now
            WHERE id = @id AND confirmed_meaning IS NULL RETURNING request_id, sealed_for
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", replyId);
            update.Parameters.AddWithValue("meaning", decision == ReplyDecision.Dismiss ? Dismissed : meaning.ToString());
            update.Parameters.AddWithValue("now", now);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }
            requestId = reader.IsDBNull(0) ? null : reader.GetGuid(0);
            sealedFor = reader.IsDBNull(1) ? null : reader.GetGuid(1);
        }
        var session = store.OpenSession(connection, transaction, new EventMetadata(correlationId, null, actor));
        session.Enlist(outbox);
        var dismissedOutsideRequest = false;
        if (requestId is { } request)
        {
            try
            {
                await confirmation.ConfirmAsync(session, outbox, request, replyId, meaning, actor, details, cancellationToken);
                session.Events.Append(request, new OperatorActionRecorded(request, operatorId, OperatorActions.ConfirmReplyMeaning, now));
            }
            catch (DomainRuleViolated) when (decision == ReplyDecision.Dismiss)
            {
                // The request never recorded this reply (its stream did not exist when the mail arrived): nothing was
                // appended to it, and dismissing must still be possible.
                dismissedOutsideRequest = true;
            }
        }
        else if (decision == ReplyDecision.Dismiss)
        {
            dismissedOutsideRequest = true;
        }
        else
        {
            throw new DomainRuleViolated("This reply belongs to no request: it can only be dismissed.");
        }
        if (dismissedOutsideRequest)
        {
            session.Events.Append(OperatorAudit.StreamOf(operatorId), new OperatorActionRecorded(replyId, operatorId, OperatorActions.ConfirmReplyMeaning, now));
        }
        if (dismissedOutsideRequest && (UnmatchedMail.IsKeySubject(sealedFor) || sealedFor is null && requestId is null))
        {
            // Mail of no case is personal data of nobody we act for (or of someone we cannot tell): once an operator
            // has looked at it and found nothing to do, it is not kept. The audit event names only its id.
            await using var delete = new NpgsqlCommand($"DELETE FROM {S}.inbound_mail WHERE id = @id", connection, transaction);
            delete.Parameters.AddWithValue("id", replyId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // A reply to a letter on the case itself (a cease-and-desist) carries the case's id where a request's would be.
    private string Select(bool withRaw) => $"""
        SELECT m.id, m.request_id, coalesce(r.case_id, c.id), c.reference, r.counterparty, m.proposed_meaning, m.confidence, m.received_at, m.confirmed_meaning
               {(withRaw ? ", m.raw, m.sealed_for, k.key" : "")}
        FROM {S}.inbound_mail m
        LEFT JOIN {S}.request_overview r ON r.id = m.request_id
        LEFT JOIN {S}.case_overview c ON c.id = coalesce(r.case_id, m.request_id)
        {(withRaw ? $"LEFT JOIN {S}.encryption_keys k ON k.subject_id = m.sealed_for" : "")}
        """;

    private static ReplyRow ReadRow(NpgsqlDataReader reader)
    {
        T? N<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
        return new ReplyRow(reader.GetGuid(0), N<Guid?>(1), N<Guid?>(2), N<string>(3), N<string>(4), reader.GetString(5),
            reader.GetFloat(6), reader.GetFieldValue<DateTimeOffset>(7), N<string>(8));
    }
}
