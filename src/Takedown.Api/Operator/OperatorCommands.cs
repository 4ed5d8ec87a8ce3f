using System.Security.Claims;
using Npgsql;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Application.PlatformReports;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Operators;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Operator;

/// <summary>
/// What operators do from the dashboard. Each action is A-frame (load → decide → append) and appends, in the same
/// transaction and stream, an <see cref="OperatorActionRecorded"/> naming the operator; the events carry
/// <c>operator:{id}</c> as actor.
/// </summary>
public sealed class OperatorCommands(IDocumentStore store, NpgsqlDataSource dataSource, LetterWorkflow letters, DeadlineEngine engine, TimeProvider time)
{
    /// <summary>Loads an AP complaint for review (null: there is none with this id).</summary>
    public async Task<ApComplaint?> ComplaintAsync(Guid complaintId, CancellationToken cancellationToken)
    {
        var (state, version) = await store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, cancellationToken: cancellationToken);
        return version == 0 || state.Status == ApComplaintStatus.None ? null : state;
    }

    /// <summary>The victim's authorisation in force on the complaint's case, or null.</summary>
    public async Task<AuthorisationGranted?> AuthorisationAsync(ApComplaint complaint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(complaint);
        return (await store.AggregateStreamAsync(complaint.CaseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken)).State.Authorisation;
    }

    /// <summary>
    /// An operator approves the complaint's text, optionally edited, before it goes to the AP. When the dossier no longer
    /// matches (a new text, or the victim signed or revoked the authorisation since), it is made again in the same
    /// transaction: what the supervisor sees and lodges is always the approved text.
    /// </summary>
    public async Task<bool> ReviewComplaintAsync(
        ClaimsPrincipal user, Guid complaintId, string? editedText, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.ReviewApComplaint);
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var session = Session(user, correlationId, connection, transaction);
        var (events, complaint) = await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve,
            state => ApComplaint.Decide(new ReviewApComplaint(complaintId, user.OperatorId(), editedText, now), state), cancellationToken);
        if (events.Count == 0)
        {
            return false;
        }
        session.Events.Append(complaintId, new OperatorActionRecorded(complaintId, user.OperatorId(), OperatorActions.ReviewApComplaint, now));
        await session.SaveChangesAsync(cancellationToken);
        if (complaint.DossierOutdated((await AuthorisationAsync(complaint, cancellationToken))?.TextSha256))
        {
            await PrepareDossierAsync(Session(user, correlationId, connection, transaction), complaintId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Makes the complaint's dossier again (the copy an operator lodges on the AP's web form), e.g. after the victim signed
    /// the authorisation. Returns false when the current dossier is still up to date.
    /// </summary>
    public async Task<bool> PrepareDossierAsync(ClaimsPrincipal user, Guid complaintId, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.ReviewApComplaint);
        var complaint = await ComplaintAsync(complaintId, cancellationToken)
            ?? throw new DomainRuleViolated("There is no AP complaint yet; prepare it first.");
        if (!complaint.DossierOutdated((await AuthorisationAsync(complaint, cancellationToken))?.TextSha256))
        {
            return false;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PrepareDossierAsync(Session(user, correlationId, connection, transaction), complaintId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// A supervisor records that the complaint was lodged with the AP, through its form or by post
    /// (<paramref name="channel"/>), under the AP's confirmation or reference number, received by the AP on
    /// <paramref name="lodgedOn"/> (from which Art. 78(2) runs). The dossier the supervisor was shown
    /// (<paramref name="dossierSha256"/>) must be the current one, with the victim's authorisation in it.
    /// </summary>
    public async Task<bool> LodgeComplaintAsync(
        ClaimsPrincipal user, Guid complaintId, string apReference, DateOnly lodgedOn, string channel, string? dossierSha256, string correlationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(apReference);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.LodgeApComplaint);
        var now = time.GetUtcNow();
        var complaint = await ComplaintAsync(complaintId, cancellationToken)
            ?? throw new DomainRuleViolated("There is no AP complaint yet; prepare it first.");
        var (@case, _) = await store.AggregateStreamAsync(complaint.CaseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        await using var session = Session(user, correlationId);
        var (events, _) = await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve,
            state => ApComplaint.Decide(new LodgeApComplaint(complaintId, apReference.Trim(), lodgedOn, ApLodger.Operator, channel, @case.EscalationMode,
                engine.LocalDate(now, DeadlineEngine.VictimCountry), now, dossierSha256, @case.Authorisation?.TextSha256), state), cancellationToken);
        return await SaveWithAuditAsync(session, user, OperatorActions.LodgeApComplaint, complaintId, events, now, cancellationToken);
    }

    /// <summary>
    /// A supervisor records the decision of a platform that takes notices by e-mail, received other than at the notice's
    /// reply address (so no stored reply backs it): on the report of <paramref name="caseId"/>, dated
    /// <paramref name="decidedOn"/>, the day the platform's message says it decided, which starts the DSA Art. 20 window.
    /// Returns false when the report already held this decision (nothing is recorded).
    /// </summary>
    /// <exception cref="DomainRuleViolated">
    /// The report is not of this case, was not filed by e-mail, or refuses the decision; or the day lies before the
    /// filing or in the future.
    /// </exception>
    public async Task<bool> RecordPlatformDecisionAsync(
        ClaimsPrincipal user, Guid caseId, Guid reportId, PlatformDecisionInput input, DateOnly decidedOn, string correlationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(input);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.RecordPlatformDecision);
        var now = time.GetUtcNow();
        var (report, _) = await store.AggregateStreamAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken: cancellationToken);
        if (report.CaseId != caseId)
        {
            throw new DomainRuleViolated("There is no such platform report on this case.");
        }
        var today = engine.LocalDate(now, DeadlineEngine.VictimCountry);
        if (decidedOn > today)
        {
            throw new DomainRuleViolated("The platform's decision cannot be dated after today.");
        }
        if (report.FiledAt is { } filedAt && decidedOn < engine.LocalDate(filedAt, DeadlineEngine.VictimCountry))
        {
            throw new DomainRuleViolated($"The report was filed on {engine.LocalDate(filedAt, DeadlineEngine.VictimCountry):yyyy-MM-dd}: the platform cannot have decided before.");
        }
        // The day is what counts (the Art. 20 window runs from it); a past day's end keeps the decision after the filing
        // and before now, so the response time is never negative.
        // A past day is stamped with its first instant: its end would read back as the next day and start the victim's
        // DSA Art. 20 window a day late.
        var decidedAt = decidedOn == today ? now : engine.StartOfDay(decidedOn, DeadlineEngine.VictimCountry);
        await using var session = Session(user, correlationId);
        var events = await PlatformDecisions.RecordAsync(session, reportId, input, decidedAt, engine, cancellationToken);
        return await SaveWithAuditAsync(session, user, OperatorActions.RecordPlatformDecision, reportId, events, now, cancellationToken);
    }

    private async Task PrepareDossierAsync(IDocumentSession session, Guid complaintId, CancellationToken cancellationToken)
    {
        await letters.PrepareApDossierAsync(session, complaintId, complainantAddress: null, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }

    private IDocumentSession Session(ClaimsPrincipal user, string correlationId) =>
        store.LightweightSession(new EventMetadata(correlationId, null, "operator:" + user.OperatorId()));

    private IDocumentSession Session(ClaimsPrincipal user, string correlationId, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        store.OpenSession(transaction, new EventMetadata(correlationId, null, "operator:" + user.OperatorId()));

    /// <summary>Saves the decided events with the audit event beside them; a repeated action that changed nothing records nothing.</summary>
    private static async Task<bool> SaveWithAuditAsync(
        IDocumentSession session, ClaimsPrincipal user, string action, Guid subject, IReadOnlyList<object> events, DateTimeOffset now,
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
