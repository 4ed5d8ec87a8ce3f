using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;

namespace Takedown.Application.Letters;

/// <summary>
/// An erasure request's history as the AP dossier lists it: one sentence per fact in the dossier's language, dated as
/// the fact happened (Dutch time), and for every letter that went out to the controller the proof of sending we hold:
/// the Message-ID, the SHA-256 of the text and what the mail server answered. Internal bookkeeping (operator audit
/// events, notices to the victim) is left out: the AP needs what happened between the victim and the controller.
/// </summary>
public static class DossierHistory
{
    /// <summary>
    /// The lines for the request's stream and the streams of its letters (letters of other kinds are ignored), in the
    /// dossier's language ("nl" or "en"), oldest first.
    /// </summary>
    public static IReadOnlyList<HistoryLine> Lines(
        IReadOnlyList<IEvent> requestEvents, IEnumerable<IReadOnlyList<IEvent>> letterStreams, string language, DeadlineEngine engine)
    {
        ArgumentNullException.ThrowIfNull(requestEvents);
        ArgumentNullException.ThrowIfNull(letterStreams);
        ArgumentNullException.ThrowIfNull(engine);
        var w = new Words(language == "nl");
        var controller = requestEvents.Select(e => e.Data).OfType<ErasureRequestDrafted>().FirstOrDefault()?.ControllerName ?? w.T("de verwerkingsverantwoordelijke", "the controller");
        var delisting = requestEvents.Select(e => e.Data).OfType<ErasureRequestDrafted>().FirstOrDefault()?.Kind == ErasureRequestKind.Delisting;
        var lines = new List<(DateTimeOffset At, long Sequence, HistoryLine Line)>();

        void Add(IEvent e, DateTimeOffset at, string description, string? proof = null) =>
            lines.Add((at, e.Sequence, new HistoryLine(engine.LocalDate(at, DeadlineEngine.VictimCountry), description, proof)));

        foreach (var e in requestEvents)
        {
            switch (e.Data)
            {
                case ErasureRequestDrafted d:
                    Add(e, d.DraftedAt, d.Kind == ErasureRequestKind.Delisting
                        ? w.T($"Verzoek om verwijdering uit zoekresultaten (artikel 17 AVG) aan {controller} opgesteld.", $"Request to delist search results (Article 17 GDPR) to {controller} drafted.")
                        : w.T($"Verzoek om gegevenswissing (artikel 17 AVG) aan {controller} opgesteld.", $"Request for erasure (Article 17 GDPR) to {controller} drafted."));
                    break;
                case ErasureRequestApproved a:
                    Add(e, a.ApprovedAt, w.T("Betrokkene heeft de tekst van het verzoek gelezen en goedgekeurd.", "The data subject read and approved the text of the request."));
                    break;
                case ErasureRequestSent s:
                    Add(e, s.SentAt, w.T(
                        $"Verzoek ontvangen door {controller} op {w.Date(s.ReceivedOn)}, de dag waarop de mailserver het aannam; vanaf die dag loopt de termijn van artikel 12, derde lid, AVG.",
                        $"Request received by {controller} on {w.Date(s.ReceivedOn)}, the day its mail server accepted it; the period of Article 12(3) GDPR runs from that day."));
                    break;
                case ErasureRequestAcknowledged a:
                    Add(e, a.AcknowledgedAt, w.T($"{controller} heeft de ontvangst van het verzoek bevestigd.", $"{controller} acknowledged receipt of the request."));
                    break;
                case ReplyReceived r:
                    Add(e, r.ReceivedAt, w.T("Bericht ontvangen op het antwoordadres van dit verzoek", "Message received at this request's reply address"),
                        w.T($"SHA-256 van het bericht zoals ontvangen: {r.RawSha256}", $"SHA-256 of the message as received: {r.RawSha256}"));
                    break;
                case ReplyMeaningConfirmed c:
                    Add(e, c.ConfirmedAt, c.Meaning switch
                    {
                        "Answered" => w.T("Een medewerker las het bericht: het is het antwoord op het verzoek.", "A member of staff read the message: it is the answer to the request."),
                        "Extension" => w.T("Een medewerker las het bericht: het meldt een verlenging van de termijn.", "A member of staff read the message: it gives notice of an extension."),
                        "IdentityCheck" => w.T("Een medewerker las het bericht: het vraagt om bevestiging van de identiteit.", "A member of staff read the message: it asks to confirm the identity."),
                        "Bounce" => w.T("Een medewerker las het bericht: het verzoek kon niet worden bezorgd.", "A member of staff read the message: the request could not be delivered."),
                        _ => w.T("Een medewerker las het bericht: het heeft geen gevolg voor de termijn.", "A member of staff read the message: it does not affect the deadline."),
                    });
                    break;
                case ExtensionClaimed x:
                    Add(e, x.ClaimedAt, w.T(
                        $"{controller} heeft de termijn met twee maanden verlengd (artikel 12, derde lid, AVG). Opgegeven reden: {Or(x.Reason, w)}",
                        $"{controller} extended the period by two months (Article 12(3) GDPR). Reason given: {Or(x.Reason, w)}"));
                    break;
                case IdentityCheckRequested i:
                    Add(e, i.RequestedAt, w.T(
                        $"{controller} vroeg om aanvullende informatie om de identiteit van betrokkene te bevestigen (artikel 12, zesde lid, AVG): {Or(i.What, w)} De termijn staat stil tot het antwoord.",
                        $"{controller} asked for additional information to confirm the data subject's identity (Article 12(6) GDPR): {Or(i.What, w)} The period stands still until the answer."));
                    break;
                case IdentityCheckAnswered i:
                    Add(e, i.AnsweredAt, w.T(
                        $"De gevraagde informatie over de identiteit is gegeven; de termijn loopt weer vanaf {w.Date(i.ResumedOn)}.",
                        $"The information asked for about the identity was given; the period runs again from {w.Date(i.ResumedOn)}."));
                    break;
                case ErasureRequestAnswered a:
                    Add(e, a.AnsweredAt, w.T(
                        $"{controller} heeft geantwoord: {Outcome(a.Outcome, w)}. Redenen: {(string.IsNullOrWhiteSpace(a.Reasons) ? "geen gegeven (artikel 12, vierde lid, AVG)." : a.Reasons)}",
                        $"{controller} answered: {Outcome(a.Outcome, w)}. Reasons: {(string.IsNullOrWhiteSpace(a.Reasons) ? "none given (Article 12(4) GDPR)." : a.Reasons)}"));
                    break;
                case DeadlineMissed m:
                    Add(e, m.MissedAt, Sentence(w.T(
                        $"De termijn verstreek op {w.Date(m.DueDate)} zonder antwoord van {controller}",
                        $"The period expired on {w.Date(m.DueDate)} without an answer from {controller}")));
                    break;
                case ErasureRequestEscalated x:
                    Add(e, x.EscalatedAt, w.T("Klacht bij de Autoriteit Persoonsgegevens voorbereid.", "Complaint to the Autoriteit Persoonsgegevens prepared."));
                    break;
                case ControllerAddressBounced b:
                    Add(e, b.BouncedAt, w.T(
                        $"Het verzoek kwam niet aan: het e-mailadres van {controller} bleek onbestelbaar.",
                        $"The request did not arrive: {controller}'s e-mail address bounced."));
                    break;
                case ErasureRequestWithdrawn x:
                    Add(e, x.WithdrawnAt, w.T("Het verzoek is ingetrokken.", "The request was withdrawn."));
                    break;
                case ErasureRequestClosed x:
                    Add(e, x.ClosedAt, w.T("Het verzoek is afgesloten.", "The request was closed."));
                    break;
            }
        }

        foreach (var stream in letterStreams)
        {
            if (stream.Select(e => e.Data).OfType<LetterPrepared>().FirstOrDefault() is not { } prepared
                || !Enum.TryParse<LetterKind>(prepared.Kind, out var kind)
                || kind is not (LetterKind.ErasureRequest or LetterKind.DeadlineReminder))
            {
                continue;
            }
            var what = kind != LetterKind.ErasureRequest ? w.T("Herinnering", "Reminder")
                : delisting ? w.T("Verzoek om verwijdering uit zoekresultaten", "Request to delist search results")
                : w.T("Verzoek om gegevenswissing", "Request for erasure");
            foreach (var e in stream)
            {
                switch (e.Data)
                {
                    // The request's own stream already records the approval of the request's letter.
                    case LetterApproved a when kind == LetterKind.DeadlineReminder:
                        Add(e, a.ApprovedAt, w.T("Betrokkene heeft de tekst van de herinnering gelezen en goedgekeurd.", "The data subject read and approved the text of the reminder."));
                        break;
                    case LetterSent s:
                        Add(e, s.SentAt, w.T($"{what} per e-mail verstuurd aan {prepared.RecipientEmail}", $"{what} sent by e-mail to {prepared.RecipientEmail}"),
                            w.T($"Message-ID {s.MessageId}; SHA-256 van de tekst {s.ContentSha256}; antwoord van de mailserver: {s.ServerReply}",
                                $"Message-ID {s.MessageId}; SHA-256 of the text {s.ContentSha256}; mail server's reply: {s.ServerReply}"));
                        break;
                    case LetterSendFailed f:
                        Add(e, f.FailedAt, w.T(
                            $"{what} aan {prepared.RecipientEmail} kon niet worden verstuurd: de mailserver weigerde het bericht",
                            $"{what} to {prepared.RecipientEmail} could not be sent: the mail server refused it"),
                            w.T($"SMTP-code {f.StatusCode}", $"SMTP code {f.StatusCode}"));
                        break;
                }
            }
        }

        return [.. lines.OrderBy(l => l.At).ThenBy(l => l.Sequence).Select(l => l.Line)];
    }

    /// <summary>Ends a sentence with one full stop, also after a name that ends in one ("B.V.").</summary>
    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    private static string Or(string text, Words w) =>
        string.IsNullOrWhiteSpace(text) ? w.T("(niet opgegeven).", "(not given).") : text.Trim().TrimEnd('.') + ".";

    private static string Outcome(ErasureOutcome outcome, Words w) => outcome switch
    {
        ErasureOutcome.Complied => w.T("verzoek ingewilligd", "request complied with"),
        ErasureOutcome.PartlyComplied => w.T("verzoek gedeeltelijk ingewilligd", "request partly complied with"),
        _ => w.T("verzoek geweigerd", "request refused"),
    };

    private readonly struct Words(bool dutch)
    {
        public string T(string nl, string en) => dutch ? nl : en;

        public string Date(DateOnly date) => LetterDates.Format(date, dutch ? "nl" : "en");
    }
}
