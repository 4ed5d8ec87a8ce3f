using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Api.Portal;

/// <summary>
/// An AP complaint as the victim sees it. <see cref="ReadyToLodge"/>: the text may be lodged now (in automatic mode at
/// once, under operator review once an operator approved it). <see cref="TextToPaste"/> is what goes in the AP form's
/// description: the complaint as the AP gets it, then the request's history.
/// </summary>
public sealed record PortalApComplaintView(
    ApComplaint Complaint, string ControllerName, EscalationMode Mode, bool Authorised, bool ReadyToLodge, string TextToPaste, Deadline? ProgressDeadline);

/// <summary>
/// The victim's side of an AP complaint (GDPR Art. 77). The AP takes complaints through its complaint form or by post,
/// never by e-mail, so nothing lodges one by itself: the victim lodges the prepared text on the AP's form (in their own
/// name) or prints the complaint as a letter with their address, and records the AP's confirmation or reference number
/// and the day the AP received it, from which the AP's three months (Art. 78(2)) run. The victim also chooses whether the
/// complaint asks the AP to keep their address from the controller.
/// </summary>
public sealed class PortalApComplaints(IDocumentStore store, LetterWorkflow letters, DeadlineEngine engine, TimeProvider time)
{
    /// <summary>The complaint of <paramref name="caseId"/>, or null when there is no such complaint on that case.</summary>
    public async Task<PortalApComplaintView?> LoadAsync(Guid caseId, Guid complaintId, CancellationToken cancellationToken)
    {
        var (complaint, _) = await store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, cancellationToken: cancellationToken);
        if (complaint.Status == ApComplaintStatus.None || complaint.CaseId != caseId)
        {
            return null;
        }
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        var ready = @case.EscalationMode == EscalationMode.Automatic || complaint.Status != ApComplaintStatus.Prepared;
        var controller = (await store.FetchStreamAsync(complaint.ErasureRequestId, cancellationToken: cancellationToken))
            .Select(e => e.Data).OfType<ErasureRequestDrafted>().First().ControllerName;
        var paste = complaint.TextForAp + "\n\nVerloop van het verzoek:\n" + string.Join("\n", complaint.Evidence.Select(line => "- " + line));
        return new PortalApComplaintView(complaint, controller, @case.EscalationMode, @case.Authorisation is not null, ready, paste, complaint.ProgressDeadline(engine));
    }

    /// <summary>Records the victim's choice to shield their address, and makes the dossier again to match; the refusal, or null.</summary>
    public async Task<DomainRuleViolated?> ChooseShieldingAsync(
        Guid complaintId, bool keepAddressFromController, string actor, string correlationId, CancellationToken cancellationToken)
    {
        await using (var session = store.LightweightSession(new EventMetadata(correlationId, null, actor)))
        {
            try
            {
                var (events, _) = await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve,
                    state => ApComplaint.Decide(new ChooseAddressShielding(complaintId, keepAddressFromController, time.GetUtcNow()), state), cancellationToken);
                if (events.Count == 0)
                {
                    return null;
                }
            }
            catch (DomainRuleViolated e)
            {
                return e;
            }
            await session.SaveChangesAsync(cancellationToken);
        }
        // The copy for the form follows the text; a dossier that cannot be made yet (no victim's name) waits for an operator.
        await using var dossier = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        try
        {
            await letters.PrepareApDossierAsync(dossier, complaintId, complainantAddress: null, cancellationToken);
            await dossier.SaveChangesAsync(cancellationToken);
        }
        catch (DomainRuleViolated)
        {
        }
        return null;
    }

    /// <summary>The complaint as a letter for the post, with the victim's address; returns the letter's id.</summary>
    public async Task<Guid> PreparePostLetterAsync(
        Guid complaintId, IReadOnlyList<string> address, string actor, string correlationId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        var letterId = await letters.PrepareApDossierAsync(session, complaintId, address, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return letterId;
    }

    /// <summary>The victim records the AP's confirmation; the refusal, or null.</summary>
    public async Task<DomainRuleViolated?> RecordLodgedAsync(
        Guid complaintId, string apReference, DateOnly lodgedOn, string channel, string actor, string correlationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        try
        {
            var (complaint, _) = await store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, cancellationToken: cancellationToken);
            var (@case, _) = await store.AggregateStreamAsync(complaint.CaseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
            await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, state => ApComplaint.Decide(new LodgeApComplaint(
                complaintId, apReference, lodgedOn, ApLodger.Victim, channel, @case.EscalationMode, engine.LocalDate(now, DeadlineEngine.VictimCountry), now),
                state), cancellationToken);
        }
        catch (DomainRuleViolated e)
        {
            return e;
        }
        await session.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Whether <paramref name="channel"/> is one the AP takes complaints by.</summary>
    public static bool IsApChannel(string? channel) => channel is LetterChannels.WebForm or LetterChannels.Post;
}
