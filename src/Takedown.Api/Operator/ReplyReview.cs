using System.Security.Claims;
using Npgsql;
using Takedown.Application.PlatformReports;
using Takedown.Application.ReadModels;
using Takedown.Application.Replies;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Replies;
using Takedown.Messaging;

namespace Takedown.Api.Operator;

/// <summary>
/// A reply waiting for confirmation, without its content (the list shows no personal data). <c>RequestKind</c> is the
/// kind of request its reply address belongs to (<c>erasure</c>, <c>platform</c>), null when it is matched to none.
/// <c>MailboxFolder</c> is the folder of the reply mailbox a reply read over IMAP was moved to (<c>Processed</c>,
/// <c>Failed</c>), null for one the mail gateway posted.
/// </summary>
public sealed record ReplyRow(
    Guid Id, Guid? RequestId, Guid? CaseId, string? CaseReference, string? Counterparty, string ProposedMeaning, double Confidence,
    DateTimeOffset ReceivedAt, string? ConfirmedMeaning, string? RequestKind = null, string? MailboxFolder = null)
{
    /// <summary>A platform's answer to a notice letter: it carries the platform's decision, not an erasure answer.</summary>
    public bool IsPlatformReply => RequestKind == RequestKinds.Platform;
}

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
/// (<see cref="ReplyConfirmation"/>), or for a platform's answer to a notice letter records the platform's decision
/// (<see cref="PlatformDecisions"/>), with the audit event and the inbound_mail row updated in the same transaction.
/// </summary>
public sealed class ReplyReview(
    IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, ReplyConfirmation confirmation, ReplySealing sealing, DeadlineEngine engine, TimeProvider time)
{
    public const int ListLimit = 200;

    /// <summary>Stored in inbound_mail.confirmed_meaning for a dismissed reply (the request's event says Unknown).</summary>
    public const string Dismissed = "Dismissed";

    private string S => options.Schema;

    /// <summary>Replies not confirmed yet, oldest first.</summary>
    public async Task<IReadOnlyList<ReplyRow>> UnconfirmedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
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
        await using var command = dataSource.CreateCommand($"{Select(withRaw: true)} WHERE m.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = replyId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var raw = sealing.Open(replyId, reader.IsDBNull(12) ? null : reader.GetGuid(12), reader.IsDBNull(13) ? null : reader.GetFieldValue<byte[]>(13),
            reader.GetFieldValue<byte[]>(11));
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The update comes first and locks the row: of two operators confirming at once, the second finds it confirmed.
        if (await MarkConfirmedAsync(connection, transaction, replyId, decision == ReplyDecision.Dismiss ? Dismissed : meaning.ToString(), now,
                cancellationToken) is not { } marked)
        {
            return false;
        }
        var (requestId, requestKind, _, sealedFor) = marked;
        if (requestKind == RequestKinds.Platform && decision != ReplyDecision.Dismiss)
        {
            throw new DomainRuleViolated("This reply answers a notice to a platform: record the platform's decision instead.");
        }
        var session = store.OpenSession(transaction, new EventMetadata(correlationId, null, actor));
        session.Enlist(outbox);
        var dismissedOutsideRequest = false;
        if (requestKind == RequestKinds.Platform)
        {
            // A platform report records no replies, only the decisions read from them: a dismissed one is audited in the
            // operator's stream, like a reply matched to nothing.
            dismissedOutsideRequest = true;
        }
        else if (requestId is { } request)
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

    /// <summary>
    /// Records the decision a platform that takes notices by e-mail sent in this reply to the notice's reply address
    /// (<see cref="PlatformDecisions"/>), dated by the day the platform's message says it decided
    /// (<paramref name="decidedOn"/>; the DSA Art. 20 window runs from the decision, not from when its message reached
    /// us), or by the reply's arrival when none is given, and caused by the reply (the events' causation
    /// id is the reply's id, so the decision points at its evidence). The reply is confirmed with the decision's name
    /// in the same transaction; when the report already held the decision, only the reply is confirmed and the audit
    /// event goes to the operator's audit stream. Returns false when someone confirmed the reply already.
    /// </summary>
    /// <exception cref="DomainRuleViolated">
    /// The reply is not a platform's answer to a notice letter, the decision is dated after the reply arrived, or the
    /// report refuses the decision.
    /// </exception>
    public async Task<bool> ConfirmPlatformDecisionAsync(
        ClaimsPrincipal user, Guid replyId, PlatformDecisionInput input, DateOnly? decidedOn, string correlationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(input);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.RecordPlatformDecisionFromReply);
        var operatorId = user.OperatorId();
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await MarkConfirmedAsync(connection, transaction, replyId, input.Decision.ToString(), now, cancellationToken) is not { } marked)
        {
            return false;
        }
        if (marked is not { RequestId: { } reportId, RequestKind: RequestKinds.Platform })
        {
            throw new DomainRuleViolated("This reply does not answer a notice to a platform.");
        }
        var session = store.OpenSession(transaction, new EventMetadata(correlationId, replyId.ToString(), "operator:" + operatorId));
        var arrivedOn = engine.LocalDate(marked.ReceivedAt, DeadlineEngine.VictimCountry);
        if (decidedOn > arrivedOn)
        {
            throw new DomainRuleViolated("The platform cannot have decided after its message arrived: give the day its message names, or leave the day as it is.");
        }
        var decidedAt = decidedOn is { } day && day < arrivedOn ? engine.StartOfDay(day, DeadlineEngine.VictimCountry) : marked.ReceivedAt;
        var events = await PlatformDecisions.RecordAsync(session, reportId, input, decidedAt, engine, cancellationToken);
        session.Events.Append(events.Count > 0 ? reportId : OperatorAudit.StreamOf(operatorId),
            new OperatorActionRecorded(events.Count > 0 ? reportId : replyId, operatorId, OperatorActions.RecordPlatformDecisionFromReply, now));
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private sealed record MarkedReply(Guid? RequestId, string? RequestKind, DateTimeOffset ReceivedAt, Guid? SealedFor);

    /// <summary>Marks the reply confirmed with <paramref name="meaning"/>; null when it was confirmed already (or does not exist).</summary>
    private async Task<MarkedReply?> MarkConfirmedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid replyId, string meaning, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand($"""
            UPDATE {S}.inbound_mail m SET confirmed_meaning = @meaning, confirmed_at = @now
            WHERE m.id = @id AND m.confirmed_meaning IS NULL
            RETURNING m.request_id, (SELECT r.kind FROM {S}.request_overview r WHERE r.id = m.request_id), m.received_at, m.sealed_for
            """, connection, transaction);
        update.Parameters.AddWithValue("id", replyId);
        update.Parameters.AddWithValue("meaning", meaning);
        update.Parameters.AddWithValue("now", now);
        await using var reader = await update.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MarkedReply(reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetGuid(3))
            : null;
    }

    // A reply to a letter on the case itself (a cease-and-desist) carries the case's id where a request's would be.
    private string Select(bool withRaw) => $"""
        SELECT m.id, m.request_id, coalesce(r.case_id, c.id), c.reference, r.counterparty, m.proposed_meaning, m.confidence, m.received_at, m.confirmed_meaning,
               r.kind, i.outcome{(withRaw ? ", m.raw, m.sealed_for, k.key" : "")}
        FROM {S}.inbound_mail m
        LEFT JOIN {S}.imap_messages i ON i.reply_id = m.id
        LEFT JOIN {S}.request_overview r ON r.id = m.request_id
        LEFT JOIN {S}.case_overview c ON c.id = coalesce(r.case_id, m.request_id)
        {(withRaw ? $"LEFT JOIN {S}.encryption_keys k ON k.subject_id = m.sealed_for" : "")}
        """;

    private static ReplyRow ReadRow(NpgsqlDataReader reader)
    {
        T? N<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
        return new ReplyRow(reader.GetGuid(0), N<Guid?>(1), N<Guid?>(2), N<string>(3), N<string>(4), reader.GetString(5),
            reader.GetFloat(6), reader.GetFieldValue<DateTimeOffset>(7), N<string>(8), N<string>(9), N<string>(10));
    }
}
