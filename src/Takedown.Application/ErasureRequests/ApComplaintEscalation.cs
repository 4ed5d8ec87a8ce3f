using System.Security.Cryptography;
using System.Text;
using Takedown.Application.Messaging;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Application.ErasureRequests;

/// <summary>
/// Escalating an erasure request to the AP (GDPR Art. 77): an overdue request is marked missed first, the complaint
/// is prepared from the request's history and the request records its escalation. Nothing here lodges it: the AP takes
/// complaints through its complaint form or by post, so the victim (portal) or an operator (dashboard) lodges the
/// prepared text and records the AP's confirmation (<see cref="LodgeApComplaint"/>). Under operator review an operator
/// reviews the text first; in automatic mode it is ready at once. The deadline check and the integration API both
/// escalate through here, so the same request always ends up with the same complaint.
/// </summary>
public static class ApComplaintEscalation
{
    /// <summary>What <see cref="EscalateAsync"/> did.</summary>
    /// <param name="ComplaintId">The request's AP complaint.</param>
    /// <param name="Created">False when the request had been escalated already (nothing was appended).</param>
    /// <param name="MarkedMissed">True when the request's deadline had passed and was recorded as missed here.</param>
    /// <param name="Mode">The case's escalation mode when the complaint was created here; the caller prepares the dossier once the complaint is saved.</param>
    public sealed record Escalation(Guid ComplaintId, bool Created, bool MarkedMissed, EscalationMode? Mode);

    /// <summary>One complaint per request, whichever caller prepares it.</summary>
    public static Guid ComplaintIdFor(Guid requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ap-complaint:" + requestId.ToString("N")));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>
    /// Escalates the request loaded in <paramref name="stream"/>; the caller saves the session. A request that is
    /// neither refused (or partly complied with) nor past its deadline is refused with <see cref="DomainRuleViolated"/>.
    /// </summary>
    public static async Task<Escalation> EscalateAsync(
        IDocumentSession session, IMessageOutbox outbox, EventStream<ErasureRequest> stream, DeadlineEngine engine, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(engine);
        var request = stream.Aggregate;
        if (request.ApComplaintId is { } existing)
        {
            return new Escalation(existing, false, false, null);
        }

        var deadline = request.AnswerDeadline(engine, engine.LocalDate(now, request.ControllerCountry));
        var overdue = request.Status == ErasureRequestStatus.Sent && !request.IsPaused && deadline!.IsExpiredAt(now);
        var refused = request.Status == ErasureRequestStatus.Answered && request.Outcome is ErasureOutcome.Refused or ErasureOutcome.PartlyComplied;
        if (!(overdue || refused || request.Status == ErasureRequestStatus.DeadlineMissed))
        {
            throw new DomainRuleViolated(
                "An AP complaint can be opened only for an erasure request the controller refused (or complied with in part) " +
                "or did not answer in time (GDPR Art. 77); this request is " + request.Status + ".");
        }

        object[] missed = overdue ? ErasureRequest.Decide(new MarkDeadlineMissed(request.Id, now), request, engine) : [];
        stream.AppendMany(missed);
        var before = missed.Aggregate(request, ErasureRequest.Evolve);
        var complaintId = ComplaintIdFor(request.Id);
        var history = (await session.Events.FetchStreamAsync(request.Id, token: cancellationToken)).Select(e => e.Data).Concat(missed).ToList();
        var evidence = ApComplaint.EvidenceFrom(history, engine);
        var drafted = history.OfType<ErasureRequestDrafted>().First();
        var text = refused
            ? RefusalText(drafted, before, history.OfType<ErasureRequestAnswered>().Last())
            : MissedText(drafted, before, before.AnswerDeadline(engine)!);
        text += CrossBorderNote(before.ControllerCountry);
        await session.DecideAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve, state => ApComplaint.Decide(
            new PrepareApComplaint(complaintId, before, evidence, text, now), state), cancellationToken);
        stream.AppendMany(ErasureRequest.Decide(new EscalateErasureRequest(request.Id, complaintId, now), before, engine));

        var @case = (await session.Events.FetchStreamAsync(request.CaseId, token: cancellationToken))
            .Aggregate(Case.Initial, (s, e) => Case.Evolve(s, e.Data));
        if (overdue)
        {
            // The deadline check that would have told the victim finds the request escalated and does nothing.
            outbox.Publish(new NotifyVictim(request.Id, VictimNoticeKind.DeadlineMissed));
            TakedownMetrics.DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("country", request.ControllerCountry));
        }
        return new Escalation(complaintId, true, overdue, @case.EscalationMode);
    }

    private static string MissedText(ErasureRequestDrafted drafted, ErasureRequest request, Deadline deadline) =>
        $"Klacht op grond van artikel 77 AVG tegen {drafted.ControllerName}. Betrokkene heeft op {DateText.Nl(request.ReceivedOn!.Value)} " +
        $"{What(drafted)} laten ontvangen door {drafted.ControllerName}. " +
        $"De verwerkingsverantwoordelijke had uiterlijk op {DateText.Nl(deadline.DueDate)} moeten reageren (artikel 12 lid 3 AVG) " +
        "maar heeft dat niet gedaan. Betrokkene verzoekt de Autoriteit Persoonsgegevens de klacht te behandelen en de " +
        "verwerkingsverantwoordelijke te bevelen het verzoek in te willigen (artikel 58 lid 2 onder c AVG).";

    private static string RefusalText(ErasureRequestDrafted drafted, ErasureRequest request, ErasureRequestAnswered answer) =>
        $"Klacht op grond van artikel 77 AVG tegen {drafted.ControllerName}. Betrokkene heeft op {DateText.Nl(request.ReceivedOn!.Value)} " +
        $"{What(drafted)} laten ontvangen door {drafted.ControllerName}. " +
        $"Op {DateText.Nl(DateOnly.FromDateTime(answer.AnsweredAt.UtcDateTime))} heeft de verwerkingsverantwoordelijke het verzoek " +
        (answer.Outcome == ErasureOutcome.PartlyComplied ? "slechts gedeeltelijk ingewilligd" : "geweigerd") +
        (drafted.Kind == ErasureRequestKind.Delisting
            ? ". Betrokkene meent dat de resultaten op grond van artikel 17 lid 1 onder c en artikel 21 lid 1 AVG niet langer getoond mogen worden bij zoekopdrachten op haar of zijn naam, en verzoekt de Autoriteit "
            : ". Betrokkene meent dat de gegevens op grond van artikel 17 lid 1 AVG gewist moeten worden en verzoekt de Autoriteit ") +
        "Persoonsgegevens de klacht te behandelen en de verwerkingsverantwoordelijke te bevelen het verzoek in te willigen " +
        "(artikel 58 lid 2 onder c AVG).";

    // A delisting request is erasure under Art. 17, asked of a search engine for results on the name (CJEU C-131/12
    // Google Spain, C-136/17 GC and Others; EDPB Guidelines 5/2019): the complaint says which the victim asked for.
    private static string What(ErasureRequestDrafted drafted) => drafted.Kind == ErasureRequestKind.Delisting
        ? "een verzoek tot verwijdering uit zoekresultaten bij zoekopdrachten op haar of zijn naam (artikel 17 AVG; HvJ EU C-131/12 Google Spain en C-136/17 GC e.a.)"
        : "een verzoek tot verwijdering van persoonsgegevens (artikel 17 AVG)";

    /// <summary>
    /// For a controller established in another member state (Meta in Ireland, say): the victim may still complain to the
    /// AP, the authority of their habitual residence (GDPR Art. 77(1)); the AP handles it together with the lead
    /// authority of the controller's main establishment (Art. 56(1) and 60, the one-stop shop). Empty for a Dutch controller.
    /// </summary>
    public static string CrossBorderNote(string controllerCountry) =>
        string.Equals(controllerCountry, "NL", StringComparison.OrdinalIgnoreCase)
            ? ""
            : $" De verwerkingsverantwoordelijke is gevestigd buiten Nederland ({controllerCountry.ToUpperInvariant()}). Betrokkene woont in Nederland en dient deze klacht daarom in bij de Autoriteit Persoonsgegevens, de toezichthoudende autoriteit van de lidstaat van haar of zijn gewone verblijfplaats (artikel 77, eerste lid, AVG). Wij verzoeken de AP de klacht te behandelen in samenwerking met de leidende toezichthoudende autoriteit van de hoofdvestiging van de verwerkingsverantwoordelijke (artikelen 56, eerste lid, en 60 AVG).";
}
