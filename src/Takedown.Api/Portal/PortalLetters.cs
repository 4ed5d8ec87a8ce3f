using Takedown.Application;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.EventStore;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Letters.Replies;

namespace Takedown.Api.Portal;

/// <summary>An erasure letter as the victim sees it before approving: its text and the hash of exactly that text.</summary>
public sealed record LetterPreview(Guid RequestId, string Status, ComposedLetter Letter);

/// <summary>
/// The erasure request's letter for the victim to read and approve. The letter is composed from the case and the
/// request; approving names the hash of the text that was shown, and is refused when the text has changed since
/// (the victim approves what they read, nothing else).
/// </summary>
public sealed class PortalLetters(EventStore.EventStore store, DeadlineEngine engine, TimeProvider time, IConfiguration configuration)
{
    public async Task<LetterPreview?> PreviewAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        var events = await store.FetchStreamAsync(requestId, cancellationToken: cancellationToken);
        var drafted = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().FirstOrDefault();
        if (drafted is null || drafted.CaseId != caseId)
        {
            return null;
        }
        var request = events.Select(e => e.Data).Aggregate(ErasureRequest.Initial, ErasureRequest.Evolve);
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        var today = DateOnly.FromDateTime(PortalText.Local(time.GetUtcNow()).DateTime);
        // Until the letter goes out, the deadline is the one that would run if it were received today.
        var deadline = request.AnswerDeadline(engine) ?? engine.GdprAnswer(today, false, [], drafted.ControllerCountry);
        var model = new ErasureLetterModel(
            new LetterSender(configuration["Portal:SenderName"] ?? "Takedown", ReplyTo(requestId)),
            new LetterRecipient(drafted.ControllerName, drafted.ControllerEmail, [], @case.Language),
            @case.Reference,
            today,
            @case.VictimName ?? "",
            drafted.PersonalData,
            drafted.Urls,
            new DeadlineText(deadline.DueDate, deadline.Explanation.Nl, deadline.Explanation.En));
        return new LetterPreview(requestId, request.Status.ToString(), LetterComposer.Compose(model));
    }

    /// <summary>Approves the request's letter if <paramref name="shownSha256"/> is the hash of its current text.</summary>
    /// <returns>False when the text changed since it was shown (reload and read again).</returns>
    public async Task<bool> ApproveAsync(Guid caseId, Guid requestId, string shownSha256, string actor, string correlationId, CancellationToken cancellationToken)
    {
        var preview = await PreviewAsync(caseId, requestId, cancellationToken);
        if (preview is null || preview.Letter.ContentSha256 != shownSha256)
        {
            return false;
        }
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve,
            state => ErasureRequest.Decide(new ApproveErasureRequest(requestId, time.GetUtcNow()), state, engine), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    public static byte[] Pdf(LetterPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return LetterPdf.Render(preview.Letter);
    }

    private string ReplyTo(Guid requestId) =>
        configuration["Letters:ReplySecret"] is { Length: >= 16 } secret
            ? ReplyAddress.For(requestId, secret, configuration["Letters:ReplyDomain"] ?? "replies.takedown.invalid")
            : configuration["Mail:FromAddress"] ?? "noreply@takedown.invalid";
}
