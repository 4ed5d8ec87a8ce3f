using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Replies;
using Takedown.Messaging;

namespace Takedown.Application.Replies;

/// <summary>What an operator adds when confirming a reply: the outcome and reasons of an answer, the extension's reason, what the identity check asks.</summary>
public sealed record ReplyDetails(ErasureOutcome? Outcome = null, string? Text = null);

/// <summary>Where a message was read over IMAP: its folder (with the account) and its UID under the folder's UIDVALIDITY.</summary>
public sealed record MailboxMessage(string Mailbox, uint UidValidity, uint Uid);

/// <summary>What became of a message read from the reply mailbox, and so where it goes in the mailbox.</summary>
public enum MailboxOutcome
{
    /// <summary>Stored and matched to a request of a case we hold: moved to the processed folder.</summary>
    Processed,

    /// <summary>Stored, but matched to no case (not one of our reply addresses, or one we cannot read): moved to the failed folder.</summary>
    Failed,

    /// <summary>Addressed to a case that was erased: not kept, and deleted from the mailbox too.</summary>
    Discarded,
}

/// <summary>The intake of one mailbox message; <paramref name="AlreadyRecorded"/> when an earlier read recorded it.</summary>
public sealed record MailboxIntake(Guid? ReplyId, MailboxOutcome Outcome, bool AlreadyRecorded);

/// <summary>
/// Replies to a request's own reply address: stored as received (evidence), sealed with the case's key
/// (<see cref="ReplySealing"/>), matched to the request by the address's HMAC token (never by the sender, which anyone
/// can fake), and given a proposed meaning an operator confirms. Both ways mail comes in use it: the signed gateway
/// (<c>POST /inbound/mail</c>) and the IMAP reader (<see cref="ImapReplyReader"/>).
/// </summary>
public sealed class ReplyIntake(
    IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, ReplySealing sealing, DeadlineEngine engine, IOptions<LetterSettings> settings, TimeProvider time)
{
    internal const string Component = "imap-replies";

    /// <summary>
    /// Messages read over IMAP, written in the transaction that stores the reply: a message is moved out of the folder
    /// only after this row committed, so a reader stopped in between finds the row on its next read. A UID counts only
    /// under its folder's UIDVALIDITY; the hash catches the same message again after the server renumbered the folder.
    /// </summary>
    internal static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE {schema}.imap_messages (
            mailbox text NOT NULL,
            uid_validity bigint NOT NULL,
            uid bigint NOT NULL,
            sha256 text NOT NULL,
            reply_id uuid,
            outcome text NOT NULL,
            recorded_at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, uid_validity, uid));
        CREATE UNIQUE INDEX imap_messages_content ON {schema}.imap_messages (mailbox, sha256);
        CREATE INDEX imap_messages_reply ON {schema}.imap_messages (reply_id);
        """,
    ];

    private string S => options.Schema;

    /// <summary>
    /// Stores one raw message; returns the request it belongs to, or null when no reply address matched or the case it
    /// belongs to was erased (such a message is not kept: nobody may read it any more, and nothing waits for it).
    /// </summary>
    public async Task<(Guid ReplyId, Guid? RequestId, ReplyClassification Proposal)> ReceiveAsync(byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var received = await RecordAsync(raw, null, cancellationToken);
        return (received.ReplyId, received.Stored ? received.RequestId : null, received.Proposal);
    }

    /// <summary>
    /// Stores one message read from the reply mailbox, exactly once per message: the position (mailbox, UIDVALIDITY,
    /// UID) and the message's hash are recorded in the reply's own transaction, and a message recorded before (a reader
    /// stopped before it could move it) is not stored again.
    /// </summary>
    public async Task<MailboxIntake> ReceiveAsync(byte[] raw, MailboxMessage source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(source);
        var received = await RecordAsync(raw, source, cancellationToken);
        if (received.Earlier is { } earlier)
        {
            return earlier;
        }
        var outcome = !received.Stored ? MailboxOutcome.Discarded
            : received is { RequestId: not null, CaseId: not null } ? MailboxOutcome.Processed
            : MailboxOutcome.Failed;
        return new MailboxIntake(received.Stored ? received.ReplyId : null, outcome, AlreadyRecorded: false);
    }

    private sealed record Received(
        Guid ReplyId, Guid? RequestId, Guid? CaseId, ReplyClassification Proposal, bool Stored, MailboxIntake? Earlier = null);

    private async Task<Received> RecordAsync(byte[] raw, MailboxMessage? source, CancellationToken cancellationToken)
    {
        // The evidence is the message as received: hashed before it is sealed, so the hash can be checked against the
        // message as an operator or the victim gets it back, whatever ciphertext it was stored as.
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        if (source is not null && await EarlierAsync(null, null, source, sha, cancellationToken) is { } seen)
        {
            return new Received(Guid.Empty, null, null, ReplyClassifier.Classify(null, null), false, seen);
        }
        var mail = InboundMailReader.Read(raw);
        Guid? requestId = null;
        foreach (var recipient in mail.Recipients)
        {
            if (ReplyAddress.TryParse(recipient, settings.Value.ReplySecret, out var id))
            {
                requestId = id;
                break;
            }
        }
        var proposal = ReplyClassifier.Classify(mail.Subject, mail.BodyText, mail.ContentType, mail.From);
        var replyId = Guid.CreateVersion7(time.GetUtcNow());
        var now = time.GetUtcNow();
        var caseId = requestId is { } addressed ? await sealing.CaseOfAsync(addressed, cancellationToken) : null;
        if (await sealing.SealAsync(replyId, caseId, now, raw, cancellationToken) is not { } sealedRaw)
        {
            // The current month's key for unmatched mail is destroyed only by a retention shorter than the month has
            // run, which the settings refuse: losing mail silently would be worse than refusing it.
            return caseId is not null
                ? new Received(replyId, requestId, caseId, proposal, Stored: false)
                : throw new InvalidOperationException("The key for this month's unmatched mail was destroyed; check Privacy:UnmatchedMailRetention.");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (source is not null)
        {
            var outcome = requestId is not null && caseId is not null ? MailboxOutcome.Processed : MailboxOutcome.Failed;
            // A second reader holding the same message waits here on the first one's row, and then finds it.
            await using var claim = new NpgsqlCommand($"""
                INSERT INTO {S}.imap_messages (mailbox, uid_validity, uid, sha256, reply_id, outcome, recorded_at)
                VALUES (@mailbox, @validity, @uid, @sha, @reply, @outcome, @at) ON CONFLICT DO NOTHING
                """, connection, transaction);
            claim.Parameters.AddWithValue("mailbox", source.Mailbox);
            claim.Parameters.AddWithValue("validity", (long)source.UidValidity);
            claim.Parameters.AddWithValue("uid", (long)source.Uid);
            claim.Parameters.AddWithValue("sha", sha);
            claim.Parameters.AddWithValue("reply", replyId);
            claim.Parameters.AddWithValue("outcome", outcome.ToString());
            claim.Parameters.AddWithValue("at", now);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                var earlier = await EarlierAsync(connection, transaction, source, sha, cancellationToken);
                await transaction.RollbackAsync(cancellationToken);
                return new Received(replyId, requestId, caseId, proposal, false, earlier ?? new MailboxIntake(null, outcome, true));
            }
        }
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {S}.inbound_mail (id, request_id, raw, sealed_for, sha256, proposed_meaning, confidence, received_at)
            VALUES (@id, @request, @raw, @sealedFor, @sha, @meaning, @confidence, @at)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", replyId);
            insert.Parameters.AddWithValue("request", (object?)requestId ?? DBNull.Value);
            insert.Parameters.AddWithValue("raw", sealedRaw.Sealed);
            insert.Parameters.AddWithValue("sealedFor", sealedRaw.SealedFor);
            insert.Parameters.AddWithValue("sha", sha);
            insert.Parameters.AddWithValue("meaning", proposal.Meaning.ToString());
            insert.Parameters.AddWithValue("confidence", (float)proposal.Confidence);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        // Only an erasure request follows its replies. Other letters (a platform notice, an AP dossier, a letter on the
        // case itself) answer to other addresses: their replies are kept above for an operator to read, matched to nothing.
        if (requestId is { } request && caseId is not null
            && await store.FetchStreamAsync(request, cancellationToken: cancellationToken) is { Count: > 0 } stream
            && stream[0].Data is ErasureRequestDrafted)
        {
            var session = store.OpenSession(transaction, new EventMetadata(null, replyId.ToString(), "system"));
            await session.DecideAsync(request, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
                new RecordReply(request, replyId, sha, proposal.Meaning.ToString(), proposal.Confidence, now), state, engine),
                cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new Received(replyId, requestId, caseId, proposal, Stored: true);
    }

    /// <summary>The message's earlier record: the same position, or the same bytes in the same mailbox under any UIDVALIDITY.</summary>
    private async Task<MailboxIntake?> EarlierAsync(
        NpgsqlConnection? connection, NpgsqlTransaction? transaction, MailboxMessage source, string sha, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT reply_id, outcome FROM {S}.imap_messages
            WHERE mailbox = $1 AND ((uid_validity = $2 AND uid = $3) OR sha256 = $4) LIMIT 1
            """;
        await using var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = source.Mailbox });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)source.UidValidity });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)source.Uid });
        command.Parameters.Add(new NpgsqlParameter { Value = sha });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MailboxIntake(reader.IsDBNull(0) ? null : reader.GetGuid(0), Enum.Parse<MailboxOutcome>(reader.GetString(1)), AlreadyRecorded: true)
            : null;
    }

    internal sealed class Migration(NpgsqlDataSource dataSource, DatabaseOptions options) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(dataSource, options.Schema, Component, Steps, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// An operator confirms what a reply means, and the confirmed meaning drives the request, dated by when the reply
/// arrived: an extension counts only when it arrived within the first month (GDPR Art. 12(3)); an identity check
/// stops the clock from that day (Art. 12(6)); a bounce flags the controller's address as wrong. A confirmed answer
/// (complied, partly, refused) is told to the victim by the "answered" notice, published in the same transaction.
/// </summary>
public sealed class ReplyConfirmation(DeadlineEngine engine, TimeProvider time)
{
    /// <summary>Confirms the meaning; <paramref name="outbox"/> must commit with <paramref name="session"/> (enlisted in it, or saved in its transaction).</summary>
    public async Task ConfirmAsync(
        IDocumentSession session, IMessageOutbox outbox, Guid requestId, Guid replyId, ReplyMeaning meaning, string confirmedBy, ReplyDetails details,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(details);
        var (events, _) = await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state =>
        {
            var confirmed = ErasureRequest.Decide(new ConfirmReplyMeaning(requestId, replyId, meaning.ToString(), confirmedBy, time.GetUtcNow()), state, engine);
            var after = confirmed.Aggregate(state, ErasureRequest.Evolve);
            var arrivedAt = after.Replies![replyId];
            object? followUp = meaning switch
            {
                ReplyMeaning.Answered => new RecordErasureAnswer(requestId, details.Outcome ?? ErasureOutcome.Complied, details.Text ?? "", arrivedAt),
                ReplyMeaning.Extension => new ClaimExtension(requestId, details.Text ?? "", arrivedAt),
                ReplyMeaning.IdentityCheck => new RequestIdentityCheck(requestId, details.Text ?? "", arrivedAt),
                ReplyMeaning.Bounce => new RecordBounce(requestId, replyId, arrivedAt),
                _ => null,
            };
            return followUp is null ? confirmed : [.. confirmed, .. ErasureRequest.Decide(followUp, after, engine)];
        }, cancellationToken);
        if (events.OfType<ErasureRequestAnswered>().Any())
        {
            outbox.Publish(new NotifyVictim(requestId, VictimNoticeKind.Answered));
        }
    }
}
