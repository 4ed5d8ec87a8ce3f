using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.EventStore;
using Takedown.Letters.Replies;
using Takedown.Messaging;

namespace Takedown.Application.Replies;

/// <summary>What an operator adds when confirming a reply: the outcome and reasons of an answer, the extension's reason, what the identity check asks.</summary>
public sealed record ReplyDetails(ErasureOutcome? Outcome = null, string? Text = null);

/// <summary>
/// Replies to a request's own reply address: stored as received (evidence), sealed with the case's key
/// (<see cref="ReplySealing"/>), matched to the request by the address's HMAC token (never by the sender, which anyone
/// can fake), and given a proposed meaning an operator confirms.
/// </summary>
public sealed class ReplyIntake(
    EventStore.EventStore store, ReplySealing sealing, DeadlineEngine engine, IOptions<LetterSettings> settings, TimeProvider time)
{
    /// <summary>
    /// Stores one raw message; returns the request it belongs to, or null when no reply address matched or the case it
    /// belongs to was erased (such a message is not kept: nobody may read it any more, and nothing waits for it).
    /// </summary>
    public async Task<(Guid ReplyId, Guid? RequestId, ReplyClassification Proposal)> ReceiveAsync(byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
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
        // The evidence is the message as received: hashed before it is sealed, so the hash can be checked against the
        // message as an operator or the victim gets it back, whatever ciphertext it was stored as.
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        var now = time.GetUtcNow();
        var caseId = requestId is { } addressed ? await sealing.CaseOfAsync(addressed, cancellationToken) : null;
        if (await sealing.SealAsync(replyId, caseId, now, raw, cancellationToken) is not { } sealedRaw)
        {
            // The current month's key for unmatched mail is destroyed only by a retention shorter than the month has
            // run, which the settings refuse: losing mail silently would be worse than refusing it.
            return caseId is not null
                ? (replyId, null, proposal)
                : throw new InvalidOperationException("The key for this month's unmatched mail was destroyed; check Privacy:UnmatchedMailRetention.");
        }
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {store.Options.Schema}.inbound_mail (id, request_id, raw, sealed_for, sha256, proposed_meaning, confidence, received_at)
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
            var session = store.OpenSession(connection, transaction, new EventMetadata(null, replyId.ToString(), "system"));
            await session.DecideAsync(request, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
                new RecordReply(request, replyId, sha, proposal.Meaning.ToString(), proposal.Confidence, now), state, engine),
                cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (replyId, requestId, proposal);
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
        EventSession session, IMessageOutbox outbox, Guid requestId, Guid replyId, ReplyMeaning meaning, string confirmedBy, ReplyDetails details,
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
