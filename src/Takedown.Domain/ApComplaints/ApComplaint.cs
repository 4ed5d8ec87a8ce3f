using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;

namespace Takedown.Domain.ApComplaints;

public enum ApComplaintStatus
{
    None,
    Prepared,
    Reviewed,
    Lodged,
    Decided,
}

/// <summary>Who lodged the complaint with the AP: the victim themselves, or an operator as their representative.</summary>
public enum ApLodger
{
    /// <summary>The victim, the complainant, on the AP's form or by post: no authorisation is needed.</summary>
    Victim,

    /// <summary>An operator for the victim (Awb art. 2:1): only with the victim's signed authorisation in the dossier.</summary>
    Operator,
}

public enum ApDecisionOutcome
{
    /// <summary>The AP found for the victim (e.g. ordered erasure, GDPR Art. 58(2)(g)).</summary>
    Upheld,

    /// <summary>The AP mediated and the controller complied.</summary>
    Settled,

    /// <summary>The AP found no infringement.</summary>
    Rejected,

    /// <summary>The AP decided not to handle the complaint further.</summary>
    NotHandled,
}

// Events
public sealed record ApComplaintPrepared(Guid ComplaintId, Guid ErasureRequestId, Guid CaseId, [PersonalData] IReadOnlyList<string> Evidence, [PersonalData] string Text, DateTimeOffset PreparedAt);
public sealed record ApComplaintReviewed(Guid ComplaintId, string Reviewer, [PersonalData] string Text, DateTimeOffset ReviewedAt);
/// <summary>
/// The complaint's dossier was made: the full text the AP gets (a letter of its own, <see cref="LetterId"/>), kept as
/// evidence because the AP's web form gives no copy back. <see cref="AuthorisationSha256"/> is the hash of the victim's
/// authorisation it includes, or null when it includes none.
/// </summary>
public sealed record ApDossierPrepared(Guid ComplaintId, Guid LetterId, string ContentSha256, string? AuthorisationSha256, DateTimeOffset PreparedAt);
/// <summary>
/// The victim or an operator recorded that the AP registered the complaint: <see cref="ApReference"/> is the AP's
/// confirmation or reference number, <see cref="LodgedOn"/> the day the AP received it (its confirmation's date), from
/// which the AP's three months of Art. 78(2) run. <see cref="LodgedAt"/> is when it was recorded here.
/// <see cref="DossierSha256"/>: the hash of the dossier an operator lodged (null when the victim lodged, and in events
/// stored before it was recorded). <see cref="LodgedOn"/>, <see cref="LodgedBy"/> and <see cref="Channel"/> (one of
/// <see cref="LetterChannels.WebForm"/> or <see cref="LetterChannels.Post"/>) are null in events stored before they were
/// recorded, when a complaint counted as lodged once its e-mail was accepted.
/// </summary>
public sealed record ApComplaintLodged(
    Guid ComplaintId, string ApReference, DateTimeOffset LodgedAt, string? DossierSha256 = null, DateOnly? LodgedOn = null,
    ApLodger? LodgedBy = null, string? Channel = null);
/// <summary>
/// The victim chose whether the complaint asks the AP to keep their address from the controller (when the controller is
/// close to the harasser): the AP may share a complainant's details with the organisation complained about.
/// </summary>
public sealed record ApComplaintAddressShieldingChosen(Guid ComplaintId, bool KeepAddressFromController, DateTimeOffset ChosenAt);
public sealed record ApDecisionReceived(Guid ComplaintId, ApDecisionOutcome Outcome, [PersonalData] string Summary, DateTimeOffset ReceivedAt);

// Commands
/// <summary><see cref="Request"/> is the erasure request's current state; <see cref="Evidence"/> its history (see <see cref="ApComplaint.EvidenceFrom"/>).</summary>
public sealed record PrepareApComplaint(Guid ComplaintId, ErasureRequest Request, IReadOnlyList<string> Evidence, string Text, DateTimeOffset Now);
/// <summary>An operator approves the complaint, optionally with an edited text.</summary>
public sealed record ReviewApComplaint(Guid ComplaintId, string Reviewer, string? EditedText, DateTimeOffset Now);
public sealed record RecordApDossier(Guid ComplaintId, Guid LetterId, string ContentSha256, string? AuthorisationSha256, DateTimeOffset Now);
/// <summary>
/// Records the complaint as lodged, on the AP's confirmation: <see cref="ApReference"/> is the AP's confirmation or
/// reference number and <see cref="LodgedOn"/> the day the AP received the complaint (not after <see cref="Today"/>, the
/// victim's date now). <see cref="Channel"/> is <see cref="LetterChannels.WebForm"/> or <see cref="LetterChannels.Post"/>.
/// <see cref="Mode"/> is the case's escalation mode: under operator review an operator lodges only a reviewed complaint.
/// An operator lodges the dossier whose hash is <see cref="DossierSha256"/> (the one they were shown);
/// <see cref="AuthorisationSha256"/> is the hash of the victim's authorisation in force on the case now (null: none).
/// </summary>
public sealed record LodgeApComplaint(
    Guid ComplaintId, string ApReference, DateOnly LodgedOn, ApLodger By, string Channel, EscalationMode Mode, DateOnly Today, DateTimeOffset Now,
    string? DossierSha256 = null, string? AuthorisationSha256 = null);
/// <summary>The victim's choice whether the complaint asks the AP to keep their address from the controller.</summary>
public sealed record ChooseAddressShielding(Guid ComplaintId, bool KeepAddressFromController, DateTimeOffset Now);

/// <summary>The complaint's latest dossier; <see cref="Current"/> is false once the complaint's text changed after it was made.</summary>
public sealed record ApDossier(Guid LetterId, string ContentSha256, string? AuthorisationSha256, bool Current);
public sealed record RecordApDecision(Guid ComplaintId, ApDecisionOutcome Outcome, string Summary, DateTimeOffset Now);

/// <summary>A complaint to the Autoriteit Persoonsgegevens (GDPR Art. 77) about one erasure request.</summary>
public sealed record ApComplaint(
    Guid Id,
    Guid ErasureRequestId,
    Guid CaseId,
    ApComplaintStatus Status,
    IReadOnlyList<string> Evidence,
    string Text,
    string? Reviewer,
    string? ApReference,
    DateTimeOffset? LodgedAt,
    ApDecisionOutcome? Decision,
    ApDossier? Dossier = null,
    DateOnly? LodgedOn = null,
    ApLodger? LodgedBy = null,
    string? LodgingChannel = null,
    bool KeepAddressFromController = false)
{
    public static readonly ApComplaint Initial = new(Guid.Empty, Guid.Empty, Guid.Empty, ApComplaintStatus.None, [], "", null, null, null, null);

    /// <summary>
    /// What the complaint asks when the victim chose it: the AP may use a complainant's details towards the organisation
    /// complained about, and a controller close to the harasser must not learn where the victim lives.
    /// </summary>
    public const string AddressShieldingRequestNl =
        "Verzoek om afscherming van mijn adres: de verwerkingsverantwoordelijke staat dicht bij degene die mij belaagt. " +
        "Ik verzoek de Autoriteit Persoonsgegevens daarom mijn adres en mijn andere contactgegevens niet aan de " +
        "verwerkingsverantwoordelijke te verstrekken en bij de behandeling van deze klacht niet meer van mijn gegevens te " +
        "gebruiken dan daarvoor nodig is.";

    /// <summary>The complaint's text as the AP gets it: the text, with the request to shield the address when chosen.</summary>
    public string TextForAp => KeepAddressFromController ? Text + "\n\n" + AddressShieldingRequestNl : Text;

    /// <summary>
    /// GDPR Art. 78(2): the AP's three months to report progress, from the day the AP received the complaint, or null
    /// before it was lodged. Complaints recorded before that day was stored count from the day they were recorded.
    /// </summary>
    public Deadline? ProgressDeadline(DeadlineEngine engine) =>
        LodgedOn is { } on ? engine.ApProgress(on)
        : LodgedAt is { } lodged ? engine.ApProgress(engine.LocalDate(lodged, DeadlineEngine.VictimCountry))
        : null;

    public static ApComplaint Evolve(ApComplaint state, object @event) => @event switch
    {
        ApComplaintPrepared e => state with { Id = e.ComplaintId, ErasureRequestId = e.ErasureRequestId, CaseId = e.CaseId, Status = ApComplaintStatus.Prepared, Evidence = e.Evidence, Text = e.Text },
        ApComplaintReviewed e => state with
        {
            Status = ApComplaintStatus.Reviewed, Reviewer = e.Reviewer, Text = e.Text,
            Dossier = e.Text == state.Text ? state.Dossier : state.Dossier is { } d ? d with { Current = false } : null,
        },
        ApDossierPrepared e => state with { Dossier = new ApDossier(e.LetterId, e.ContentSha256, e.AuthorisationSha256, true) },
        ApComplaintLodged e => state with
        {
            Status = ApComplaintStatus.Lodged, ApReference = e.ApReference, LodgedAt = e.LodgedAt, LodgedOn = e.LodgedOn, LodgedBy = e.LodgedBy,
            LodgingChannel = e.Channel,
        },
        ApComplaintAddressShieldingChosen e => state with
        {
            KeepAddressFromController = e.KeepAddressFromController,
            Dossier = state.Dossier is { } d && e.KeepAddressFromController != state.KeepAddressFromController ? d with { Current = false } : state.Dossier,
        },
        ApDecisionReceived e => state with { Status = ApComplaintStatus.Decided, Decision = e.Outcome },
        _ => state,
    };

    public static object[] Decide(object command, ApComplaint state)
    {
        if (command is not PrepareApComplaint && state.Status == ApComplaintStatus.None)
        {
            throw new DomainRuleViolated("There is no AP complaint yet; prepare it first.");
        }

        return command switch
        {
            PrepareApComplaint c => Prepare(c, state),
            ReviewApComplaint c => Review(c, state),
            LodgeApComplaint c => Lodge(c, state),
            RecordApDossier c => RecordDossier(c, state),
            RecordApDecision c => RecordDecision(c, state),
            ChooseAddressShielding c => ChooseShielding(c, state),
            _ => throw new DomainRuleViolated($"An AP complaint does not handle {command.GetType().Name}."),
        };
    }

    /// <summary>
    /// Whether the dossier must be made (again) before an operator lodges the complaint: there is none, the complaint's
    /// text changed since, or the victim's authorisation (<paramref name="authorisationSha256"/>, null: none) is not the
    /// one the dossier holds.
    /// </summary>
    public bool DossierOutdated(string? authorisationSha256) =>
        Dossier is not { Current: true } dossier || dossier.AuthorisationSha256 != authorisationSha256;

    /// <summary>The erasure request's history as dated lines for the AP (in Dutch: the AP works in Dutch).</summary>
    public static IReadOnlyList<string> EvidenceFrom(IEnumerable<object> erasureRequestEvents, DeadlineEngine engine)
    {
        var lines = new List<string>();
        var state = ErasureRequest.Initial;
        foreach (var @event in erasureRequestEvents)
        {
            state = ErasureRequest.Evolve(state, @event);
            string? line = @event switch
            {
                ErasureRequestDrafted e => $"{Day(e.DraftedAt)}: verzoek tot verwijdering{(e.Kind == ErasureRequestKind.Delisting ? " uit zoekresultaten" : "")} (AVG art. 17) opgesteld aan {e.ControllerName} ({e.ControllerEmail}), over: {string.Join("; ", e.PersonalData)}.",
                ErasureRequestApproved e => $"{Day(e.ApprovedAt)}: verzoek goedgekeurd door de betrokkene.",
                ErasureRequestSent e => $"{Day(e.SentAt)}: verzoek verzonden; ontvangen op {DateText.Nl(e.ReceivedOn)}.",
                ErasureRequestAcknowledged e => $"{Day(e.AcknowledgedAt)}: ontvangst bevestigd door de verwerkingsverantwoordelijke.",
                ExtensionClaimed e => $"{Day(e.ClaimedAt)}: verlenging met twee maanden gemeld (AVG art. 12 lid 3), reden: {e.Reason}",
                IdentityCheckRequested e => $"{Day(e.RequestedAt)}: verwerkingsverantwoordelijke vroeg om identiteitscontrole: {e.What}",
                IdentityCheckAnswered e => $"{Day(e.AnsweredAt)}: vraag naar de identiteit beantwoord namens de betrokkene; de termijn loopt weer vanaf {DateText.Nl(e.ResumedOn)}.",
                ErasureRequestAnswered e => $"{Day(e.AnsweredAt)}: antwoord van de verwerkingsverantwoordelijke: {OutcomeNl(e.Outcome)}. Redenen: {(string.IsNullOrWhiteSpace(e.Reasons) ? "geen gegeven (AVG art. 12 lid 4)" : e.Reasons)}",
                DeadlineMissed e => $"{Day(e.MissedAt)}: de termijn verstreek op {DateText.Nl(e.DueDate)} zonder antwoord.",
                _ => null,
            };
            if (line is not null)
            {
                lines.Add(line);
            }
        }

        if (state.AnswerDeadline(engine) is { } deadline)
        {
            lines.Add($"Termijn: {deadline.Explanation.Nl}");
        }

        return lines;

        static string Day(DateTimeOffset at) => DateText.Nl(DateOnly.FromDateTime(at.UtcDateTime));
    }

    private static string OutcomeNl(ErasureOutcome outcome) => outcome switch
    {
        ErasureOutcome.Complied => "verzoek ingewilligd",
        ErasureOutcome.PartlyComplied => "verzoek gedeeltelijk ingewilligd",
        _ => "verzoek geweigerd",
    };

    private static object[] Prepare(PrepareApComplaint c, ApComplaint state)
    {
        if (state.Status != ApComplaintStatus.None)
        {
            return state.Id == c.ComplaintId && state.ErasureRequestId == c.Request.Id
                ? []
                : throw new DomainRuleViolated("This AP complaint has already been prepared.");
        }

        var request = c.Request;
        var missed = request.Status == ErasureRequestStatus.DeadlineMissed;
        var refused = request.Outcome is ErasureOutcome.Refused or ErasureOutcome.PartlyComplied;
        var escalatedHere = request.Status == ErasureRequestStatus.Escalated && request.ApComplaintId == c.ComplaintId;
        if (!(missed || refused || escalatedHere))
        {
            throw new DomainRuleViolated("An AP complaint needs an erasure request whose deadline was missed or that was refused or partly complied with.");
        }

        if (c.Evidence.Count == 0)
        {
            throw new DomainRuleViolated("An AP complaint needs the history of the request as evidence.");
        }

        return string.IsNullOrWhiteSpace(c.Text)
            ? throw new DomainRuleViolated("An AP complaint needs its text.")
            : [new ApComplaintPrepared(c.ComplaintId, request.Id, request.CaseId, c.Evidence, c.Text, c.Now)];
    }

    private static object[] Review(ReviewApComplaint c, ApComplaint state)
    {
        var text = string.IsNullOrWhiteSpace(c.EditedText) ? state.Text : c.EditedText;
        return state.Status switch
        {
            ApComplaintStatus.Reviewed when text == state.Text => [],
            ApComplaintStatus.Prepared or ApComplaintStatus.Reviewed when string.IsNullOrWhiteSpace(c.Reviewer)
                => throw new DomainRuleViolated("A review needs the operator who approves the complaint."),
            ApComplaintStatus.Prepared or ApComplaintStatus.Reviewed => [new ApComplaintReviewed(state.Id, c.Reviewer, text, c.Now)],
            _ => throw new DomainRuleViolated("The complaint has already been lodged with the AP; its text can no longer change."),
        };
    }

    private static object[] Lodge(LodgeApComplaint c, ApComplaint state)
    {
        if (state.ApReference is { } reference)
        {
            return reference == c.ApReference?.Trim() ? [] : throw new DomainRuleViolated("The complaint has already been lodged with the AP.");
        }

        // GDPR Art. 77 and 78(2): a complaint runs from the day the AP received it. A mail server accepting a message, or
        // our own click, is no such day: only the AP's confirmation or reference number shows the AP registered it.
        if (string.IsNullOrWhiteSpace(c.ApReference))
        {
            throw new DomainRuleViolated("Lodging needs the AP's confirmation or reference number.");
        }
        if (c.Channel is not (LetterChannels.WebForm or LetterChannels.Post))
        {
            throw new DomainRuleViolated("The AP takes complaints through its complaint form or by post.");
        }
        if (c.LodgedOn > c.Today)
        {
            throw new DomainRuleViolated("The day the AP received the complaint cannot be in the future.", DomainRuleViolated.DateInFuture);
        }

        if (c.By == ApLodger.Victim)
        {
            // The complainant lodges in their own name: no representative, so no authorisation (Awb art. 2:1(2)) and no
            // operator's review. What they lodged is their own copy; ours is the text they were shown.
            return [new ApComplaintLodged(state.Id, c.ApReference.Trim(), c.Now, null, c.LodgedOn, ApLodger.Victim, c.Channel)];
        }

        if (state.Status == ApComplaintStatus.Prepared && c.Mode == EscalationMode.OperatorReview)
        {
            throw new DomainRuleViolated("This case asks for an operator's review before a complaint goes to the AP.");
        }

        // An operator lodges on the victim's behalf: the AP may ask a representative for a written authorisation
        // (Awb art. 2:1(2)), so the dossier holds the victim's signed one, and the dossier the operator read is our copy.
        switch (state.Dossier)
        {
            case null:
                throw new DomainRuleViolated("There is no dossier for this complaint yet; prepare it first.");
            case { Current: false }:
                throw new DomainRuleViolated("The complaint's text changed after the dossier was made; prepare the dossier again.");
            case { AuthorisationSha256: null } when c.AuthorisationSha256 is null:
                throw new DomainRuleViolated("The victim has not authorised us to lodge the complaint on their behalf (machtiging); ask them to sign it in the portal, then prepare the dossier again.");
            case { } dossier when dossier.AuthorisationSha256 != c.AuthorisationSha256:
                throw new DomainRuleViolated("The victim's authorisation changed (signed or revoked) after the dossier was made; prepare the dossier again.");
            case { } dossier when !string.Equals(dossier.ContentSha256, c.DossierSha256, StringComparison.OrdinalIgnoreCase):
                throw new DomainRuleViolated("The dossier is not the one shown; reload it and check it again.", DomainRuleViolated.TextChanged);
        }

        return [new ApComplaintLodged(state.Id, c.ApReference.Trim(), c.Now, state.Dossier.ContentSha256, c.LodgedOn, ApLodger.Operator, c.Channel)];
    }

    private static object[] ChooseShielding(ChooseAddressShielding c, ApComplaint state) => state.Status switch
    {
        ApComplaintStatus.Lodged or ApComplaintStatus.Decided => state.KeepAddressFromController == c.KeepAddressFromController
            ? []
            : throw new DomainRuleViolated("The complaint has already been lodged with the AP; what it asks can no longer change."),
        _ when state.KeepAddressFromController == c.KeepAddressFromController => [],
        _ => [new ApComplaintAddressShieldingChosen(state.Id, c.KeepAddressFromController, c.Now)],
    };

    private static object[] RecordDossier(RecordApDossier c, ApComplaint state)
    {
        if (state.Dossier is { LetterId: var letterId } && letterId == c.LetterId)
        {
            return [];
        }
        if (state.Status is ApComplaintStatus.Lodged or ApComplaintStatus.Decided)
        {
            throw new DomainRuleViolated("The complaint has already been lodged with the AP; its dossier can no longer change.");
        }
        return string.IsNullOrWhiteSpace(c.ContentSha256)
            ? throw new DomainRuleViolated("A dossier needs the hash of its text.")
            : [new ApDossierPrepared(state.Id, c.LetterId, c.ContentSha256, c.AuthorisationSha256, c.Now)];
    }

    private static object[] RecordDecision(RecordApDecision c, ApComplaint state) => state.Status switch
    {
        ApComplaintStatus.Decided when state.Decision == c.Outcome => [],
        ApComplaintStatus.Decided => throw new DomainRuleViolated($"The AP already decided ({state.Decision})."),
        ApComplaintStatus.Lodged => [new ApDecisionReceived(state.Id, c.Outcome, c.Summary, c.Now)],
        _ => throw new DomainRuleViolated("The complaint has not been lodged with the AP yet."),
    };
}
