using Npgsql;
using Takedown.Api.ErasureRequests;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.Letters;
using Takedown.EventStore;
using Takedown.Messaging;

namespace Takedown.Api.Portal;

/// <summary>An erasure request's current letter as prepared (the exact text that will be sent) and where it stands.</summary>
public sealed record LetterPreview(Guid RequestId, Guid LetterId, LetterStatus Status, LetterPrepared Letter);

/// <summary>
/// The erasure request's letter for the victim to read and approve, through <see cref="LetterWorkflow"/>: approving
/// names the SHA-256 of the text that was shown, and is refused when the letter's text is another one.
/// </summary>
public sealed class PortalLetters(EventStore.EventStore store, NpgsqlDataSource dataSource, EventStoreOptions options, LetterWorkflow letters)
{
    /// <summary>The request's current letter, or null when there is none on this case.</summary>
    public async Task<LetterPreview?> PreviewAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        if (await GetErasureLetterEndpoint.CurrentLetterIdAsync(dataSource, options.Schema, requestId, cancellationToken) is not { } letterId
            || await letters.LoadAsync(letterId, cancellationToken) is not { } letter
            || letter.CaseId != caseId)
        {
            return null;
        }
        var (state, _) = await store.AggregateStreamAsync(letterId, Letter.Initial, Letter.Evolve, cancellationToken: cancellationToken);
        return new LetterPreview(requestId, letterId, state.Status, letter);
    }

    /// <summary>Approves the letter if <paramref name="shownSha256"/> is the hash of its text; the worker then sends it.</summary>
    /// <returns>False when the text is not the one shown (reload and read again).</returns>
    public async Task<bool> ApproveAsync(
        LetterPreview preview, string shownSha256, string actor, string correlationId, MessageOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(outbox);
        if (preview.Letter.ContentSha256 != shownSha256)
        {
            return false;
        }
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        session.Enlist(outbox);
        try
        {
            await letters.ApproveAsync(session, outbox, preview.LetterId, actor, shownSha256, false, cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return false;
        }
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    public static byte[] Pdf(LetterPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return LetterWorkflow.RenderPdf(preview.Letter);
    }
}
