using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.Cases;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Api.Portal;

/// <summary>The authorisation on a case as the victim sees it: the text to sign, and whether it is in force.</summary>
public sealed record AuthorisationView(string Text, string TextSha256, AuthorisationGranted? Granted);

/// <summary>
/// The victim's authorisation (machtiging) for the service to lodge and pursue an AP complaint for them: signed by
/// typing their own name under the exact text shown (its SHA-256 is what they sign), revocable at any time.
/// </summary>
public sealed class PortalAuthorisation(IDocumentStore store, LetterWorkflow letters, TimeProvider time)
{
    /// <summary>The text the victim would sign now and the authorisation in force, if any.</summary>
    public async Task<AuthorisationView> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        var (text, sha) = await letters.AuthorisationTextAsync(caseId, cancellationToken);
        return new AuthorisationView(text, sha, @case.Authorisation);
    }

    /// <summary>Signs the text shown; returns the refusal when it is refused (another text, another name), else null.</summary>
    public async Task<DomainRuleViolated?> GrantAsync(Guid caseId, string shownSha256, string signedName, string actor, string correlationId, CancellationToken cancellationToken)
    {
        var (text, _) = await letters.AuthorisationTextAsync(caseId, cancellationToken);
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        try
        {
            await session.DecideAsync(caseId, Case.Initial, Case.Evolve,
                state => Case.Decide(new GrantAuthorisation(caseId, text, shownSha256, signedName, time.GetUtcNow()), state), cancellationToken);
        }
        catch (DomainRuleViolated e)
        {
            return e;
        }
        await session.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task RevokeAsync(Guid caseId, string actor, string correlationId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        await session.DecideAsync(caseId, Case.Initial, Case.Evolve, state => Case.Decide(new RevokeAuthorisation(caseId, time.GetUtcNow()), state), cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }
}
