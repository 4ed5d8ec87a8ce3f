using System.Security.Claims;
using Takedown.Application;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Operators;
using Takedown.EventStore;

namespace Takedown.Api.Operator;

/// <summary>
/// What operators do from the dashboard. Each action is A-frame (load → decide → append) and appends, in the same
/// transaction and stream, an <see cref="OperatorActionRecorded"/> naming the operator; the events carry
/// <c>operator:{id}</c> as actor.
/// </summary>
public sealed class OperatorCommands(EventStore.EventStore store, TimeProvider time)
{
    /// <summary>Loads an AP complaint for review (null: there is none with this id).</summary>
    public async Task<ApComplaint?> ComplaintAsync(Guid complaintId, CancellationToken cancellationToken)
    {
        var (state, version) = await store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, cancellationToken: cancellationToken);
        return version == 0 || state.Status == ApComplaintStatus.None ? null : state;
    }

    /// <summary>An operator approves the complaint's text, optionally edited, before it goes to the AP.</summary>
    public async Task<bool> ReviewComplaintAsync(
        ClaimsPrincipal user, Guid complaintId, string? editedText, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.ReviewApComplaint);
        var now = time.GetUtcNow();
        await using var session = Session(user, correlationId);
        var (events, _) = await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve,
            state => ApComplaint.Decide(new ReviewApComplaint(complaintId, user.OperatorId(), editedText, now), state), cancellationToken);
        return await SaveWithAuditAsync(session, user, OperatorActions.ReviewApComplaint, complaintId, events, now, cancellationToken);
    }

    /// <summary>A supervisor records that the complaint was lodged with the AP under the AP's reference.</summary>
    public async Task<bool> LodgeComplaintAsync(
        ClaimsPrincipal user, Guid complaintId, string apReference, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.LodgeApComplaint);
        var now = time.GetUtcNow();
        var complaint = await ComplaintAsync(complaintId, cancellationToken)
            ?? throw new DomainRuleViolated("There is no AP complaint yet; prepare it first.");
        var (@case, _) = await store.AggregateStreamAsync(complaint.CaseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        await using var session = Session(user, correlationId);
        var (events, _) = await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve,
            state => ApComplaint.Decide(new LodgeApComplaint(complaintId, apReference.Trim(), @case.EscalationMode, now), state), cancellationToken);
        return await SaveWithAuditAsync(session, user, OperatorActions.LodgeApComplaint, complaintId, events, now, cancellationToken);
    }

    private EventSession Session(ClaimsPrincipal user, string correlationId) =>
        store.LightweightSession(new EventMetadata(correlationId, null, "operator:" + user.OperatorId()));

    /// <summary>Saves the decided events with the audit event beside them; a repeated action that changed nothing records nothing.</summary>
    private static async Task<bool> SaveWithAuditAsync(
        EventSession session, ClaimsPrincipal user, string action, Guid subject, IReadOnlyList<object> events, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return false;
        }
        // Appended to the same stream as the decision, at the version it was decided on: both or neither are stored.
        session.Events.Append(subject, new OperatorActionRecorded(subject, user.OperatorId(), action, now));
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }
}
