using Takedown.Application.Letters;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Worker.Tests;

/// <summary>The dossier's history as a person reads it: sentences, dated as things happened, with the proof of sending.</summary>
public sealed class DossierHistoryTests
{
    private static readonly Guid RequestId = Guid.Parse("5a1c1a44-0000-4000-8000-000000000001");
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly Guid LetterId = Guid.Parse("1e77e400-0000-4000-8000-000000000001");
    private static readonly Guid ReminderId = Guid.Parse("1e77e400-0000-4000-8000-000000000002");
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);

    private static long _sequence;

    private static IEvent Stored(Guid stream, object data, DateTimeOffset at)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Sequence = ++_sequence;
        e.Id = Guid.NewGuid();
        e.StreamId = stream;
        e.Version = _sequence;
        e.EventTypeName = DomainEventName(data);
        e.Timestamp = at;
        return e;
    }

    private static string DomainEventName(object data) => Takedown.Domain.DomainEvents.NameOf(data.GetType());

    private static IReadOnlyList<IEvent> Request =>
    [
        Stored(RequestId, new ErasureRequestDrafted(RequestId, CaseId, "People Search B.V.", "privacy@people.example", "NL", ["woonadres"], ["https://people.example/p/1"], new(2026, 3, 2, 9, 0, 0, Winter)), new(2026, 3, 2, 9, 0, 0, Winter)),
        Stored(RequestId, new ErasureRequestApproved(RequestId, new(2026, 3, 2, 10, 0, 0, Winter)), new(2026, 3, 2, 10, 0, 0, Winter)),
        // Recorded when the letter's receipt is: just after the mail server accepted it.
        Stored(RequestId, new ErasureRequestSent(RequestId, new DateOnly(2026, 3, 2), new(2026, 3, 2, 10, 1, 5, Winter)), new(2026, 3, 2, 10, 1, 5, Winter)),
        Stored(RequestId, new ReplyReceived(RequestId, Guid.NewGuid(), "feedc0de", "Unknown", 0.2, new(2026, 3, 5, 14, 0, 0, Winter)), new(2026, 3, 5, 14, 0, 0, Winter)),
        Stored(RequestId, new DeadlineMissed(RequestId, new DateOnly(2026, 4, 2), new(2026, 4, 3, 0, 5, 0, TimeSpan.FromHours(2))), new(2026, 4, 3, 0, 5, 0, TimeSpan.FromHours(2))),
    ];

    private static IReadOnlyList<IEvent>[] Letters =>
    [
        [
            Stored(LetterId, new LetterPrepared(LetterId, CaseId, RequestId, "ErasureRequest", "nl", "People Search B.V.", "privacy@people.example", "Verzoek", "tekst", "<p>tekst</p>", "aa11", true, new(2026, 3, 2, 9, 0, 0, Winter)), new(2026, 3, 2, 9, 0, 0, Winter)),
            Stored(LetterId, new LetterApproved(LetterId, "victim:1", new(2026, 3, 2, 10, 0, 0, Winter)), new(2026, 3, 2, 10, 0, 0, Winter)),
            Stored(LetterId, new LetterSent(LetterId, "<1e77@takedown.example>", "aa11", "250 accepted", new(2026, 3, 2, 10, 1, 0, Winter)), new(2026, 3, 2, 10, 1, 0, Winter)),
        ],
        [
            Stored(ReminderId, new LetterPrepared(ReminderId, CaseId, RequestId, "DeadlineReminder", "nl", "People Search B.V.", "privacy@people.example", "Herinnering", "tekst", "<p>tekst</p>", "bb22", true, new(2026, 3, 26, 0, 1, 0, Winter)), new(2026, 3, 26, 0, 1, 0, Winter)),
            Stored(ReminderId, new LetterApproved(ReminderId, "victim:1", new(2026, 3, 26, 8, 0, 0, Winter)), new(2026, 3, 26, 8, 0, 0, Winter)),
            Stored(ReminderId, new LetterSendFailed(ReminderId, "550", "5.1.1 user unknown", new(2026, 3, 26, 8, 1, 0, Winter)), new(2026, 3, 26, 8, 1, 0, Winter)),
        ],
        // A notice to the victim is not part of what happened between the victim and the controller.
        [
            Stored(Guid.NewGuid(), new LetterPrepared(Guid.NewGuid(), CaseId, RequestId, "VictimNoticeSent", "nl", "Anna", "anna@mail.example", "Verstuurd", "tekst", "<p>tekst</p>", "cc33", false, new(2026, 3, 2, 10, 2, 0, Winter)), new(2026, 3, 2, 10, 2, 0, Winter)),
        ],
    ];

    [Fact]
    public void Every_line_is_a_sentence_and_each_letter_that_went_out_carries_its_proof()
    {
        var lines = DossierHistory.Lines(Request, Letters, "nl", DeadlineEngine.Default);

        lines.Select(l => (l.On, l.Description, l.Proof)).ShouldBe(
        [
            (new DateOnly(2026, 3, 2), "Verzoek om gegevenswissing (artikel 17 AVG) aan People Search B.V. opgesteld.", null),
            (new DateOnly(2026, 3, 2), "Betrokkene heeft de tekst van het verzoek gelezen en goedgekeurd.", null),
            (new DateOnly(2026, 3, 2), "Verzoek om gegevenswissing per e-mail verstuurd aan privacy@people.example",
                "Message-ID <1e77@takedown.example>; SHA-256 van de tekst aa11; antwoord van de mailserver: 250 accepted"),
            (new DateOnly(2026, 3, 2), "Verzoek ontvangen door People Search B.V. op 2 maart 2026, de dag waarop de mailserver het aannam; vanaf die dag loopt de termijn van artikel 12, derde lid, AVG.", null),
            (new DateOnly(2026, 3, 5), "Bericht ontvangen op het antwoordadres van dit verzoek", "SHA-256 van het bericht zoals ontvangen: feedc0de"),
            (new DateOnly(2026, 3, 26), "Betrokkene heeft de tekst van de herinnering gelezen en goedgekeurd.", null),
            (new DateOnly(2026, 3, 26), "Herinnering aan privacy@people.example kon niet worden verstuurd: de mailserver weigerde het bericht", "SMTP-code 550"),
            (new DateOnly(2026, 4, 3), "De termijn verstreek op 2 april 2026 zonder antwoord van People Search B.V.", null),
        ]);
    }

    [Fact]
    public void An_English_dossier_says_the_same_in_English()
    {
        var lines = DossierHistory.Lines(Request, Letters, "en", DeadlineEngine.Default);

        lines.ShouldContain(l => l.Description == "Request for erasure sent by e-mail to privacy@people.example"
            && l.Proof == "Message-ID <1e77@takedown.example>; SHA-256 of the text aa11; mail server's reply: 250 accepted");
        lines.ShouldContain(l => l.Description == "The period expired on 2 April 2026 without an answer from People Search B.V.");
    }
}
