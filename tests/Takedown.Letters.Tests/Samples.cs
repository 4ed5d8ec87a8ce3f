using Takedown.Letters.Composing;

namespace Takedown.Letters.Tests;

/// <summary>Letter models for tests: one per kind, in either language.</summary>
public static class Samples
{
    public const string ReplyAddress = "replies+abc.def@takedown.test";

    public static readonly DateOnly LetterDate = new(2026, 3, 3);

    public static readonly DeadlineText Deadline = new(
        new DateOnly(2026, 4, 3),
        "Dat is een maand na ontvangst op 3 maart 2026 (artikel 12, derde lid, AVG).",
        "That is one month after receipt on 3 March 2026 (Article 12(3) GDPR).");

    public static readonly string[] DataItems = ["woonadres (Kerkstraat 1, Utrecht)", "mobiel telefoonnummer 06-12345678"];

    public static readonly string[] Urls = ["https://forum.example/thread/123#post-9", "https://paste.example/raw/XyZ"];

    public static LetterSender Sender => new("Takedown", ReplyAddress, "https://takedown.test");

    public static LetterRecipient Controller(string language) =>
        new("Voorbeeld Forum B.V.", "privacy@forum.example", ["Postbus 123", "1000 AA Amsterdam"], language);

    public static ErasureLetterModel Erasure(string language) =>
        new(Sender, Controller(language), "TD-2026-0042", LetterDate, "Anna de Vries", DataItems, Urls, Deadline);

    /// <summary>The erasure request to a search engine: delist the results from searches on the victim's name.</summary>
    public static ErasureLetterModel Delisting(string language) =>
        Erasure(language) with { Recipient = new LetterRecipient("Voorbeeld Zoekmachine Ltd", "privacy@zoek.example", [], language), Delisting = true };

    public static DeadlineReminderModel Reminder(string language, DateOnly letterDate) =>
        new(Sender, Controller(language), "TD-2026-0042", letterDate, "Anna de Vries", DataItems, Urls,
            new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 3), Deadline);

    public static ApComplaintDossierModel ApComplaint(string language, bool byOperator = true) =>
        new(Sender, new LetterRecipient("Autoriteit Persoonsgegevens", null, ["Postbus 93374", "2509 AJ Den Haag"], language),
            "TD-2026-0042", new DateOnly(2026, 4, 10), "Anna de Vries", "Voorbeeld Forum B.V.", ["Postbus 123", "1000 AA Amsterdam"],
            DataItems, Urls, new DateOnly(2026, 3, 3), Deadline,
            "De verwerkingsverantwoordelijke heeft niet binnen de termijn op het verzoek om wissing gereageerd.\nDe gegevens staan nog steeds online.",
            [
                new HistoryLine(new DateOnly(2026, 3, 3), "Verzoek om wissing per e-mail verstuurd", "Message-ID <0b8f@takedown.test>, SHA-256 9f86d081884c7d65, 250 accepted"),
                new HistoryLine(new DateOnly(2026, 3, 27), "Herinnering verstuurd"),
                new HistoryLine(new DateOnly(2026, 4, 4), "Termijn verstreken zonder antwoord"),
            ],
            byOperator ? "Ik, Anna de Vries, machtig Takedown om namens mij een klacht in te dienen bij de Autoriteit Persoonsgegevens.\nOndertekend op 1 april 2026." : null);

    public static CeaseAndDesistModel CeaseAndDesist(string language) =>
        new(Sender, new LetterRecipient("Jan Jansen", null, ["Dorpsweg 5", "3500 AB Utrecht"], language),
            "TD-2026-0043", LetterDate, "Anna de Vries",
            ["dagelijks bellen en appen", "opwachten bij het werk"], [Urls[0]], Deadline);

    public static VictimNoticeSentModel NoticeSent(string language) =>
        new(Sender, new LetterRecipient("Anna", "anna@mail.example", [], language), "TD-2026-0042", LetterDate,
            "Voorbeeld Forum B.V.", LetterDate, Deadline);

    public static VictimNoticeAnsweredModel NoticeAnswered(string language) =>
        new(Sender, new LetterRecipient("Anna", "anna@mail.example", [], language), "TD-2026-0042", new DateOnly(2026, 3, 20),
            "Voorbeeld Forum B.V.", new DateOnly(2026, 3, 19), "De gegevens zijn verwijderd.", "The data has been erased.");

    public static VictimNoticeDeadlineMissedModel NoticeDeadlineMissed(string language) =>
        new(Sender, new LetterRecipient("Anna", "anna@mail.example", [], language), "TD-2026-0042", new DateOnly(2026, 4, 4),
            "Voorbeeld Forum B.V.", Deadline);

    public static VictimNoticeReminderWaitingModel NoticeReminderWaiting(string language) =>
        new(Sender, new LetterRecipient("Anna", "anna@mail.example", [], language), "TD-2026-0042", new DateOnly(2026, 3, 27),
            "Voorbeeld Forum B.V.", Deadline);
    public static PlatformNoticeModel PlatformNotice(string language) =>
        new(Sender, new LetterRecipient("Voorbeeld Prikbord", "notices@prikbord.example", [], language), "TD-2026-0044", LetterDate,
            "Doxing", "Op deze pagina's staan mijn woonadres en telefoonnummer, geplaatst om mij bang te maken.", Urls,
            "Anna de Vries", "anna@mail.example");

    public static PlatformComplaintModel PlatformComplaint(string language) =>
        new(Sender, new LetterRecipient("Voorbeeld Prikbord", "notices@prikbord.example", [], language), "TD-2026-0044", LetterDate,
            new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), Urls,
            "Het bericht noemt mijn woonadres en roept op om langs te komen; dat is doxing, geen mening.", "Anna de Vries");

    public static IdentityCheckAnswerModel IdentityCheckAnswer(string language) =>
        new(Sender, Controller(language), "TD-2026-0042", LetterDate, "Anna de Vries", new DateOnly(2026, 3, 1),
            "Machtiging\n\nIk, Anna de Vries, machtig Takedown om mij in zaak TD-2026-0042 te vertegenwoordigen.\n\nElektronisch ondertekend door Anna de Vries.");

    public static IEnumerable<LetterModel> AllKinds(string language) =>
    [
        Erasure(language), Delisting(language), Reminder(language, new DateOnly(2026, 3, 27)), Reminder(language, new DateOnly(2026, 4, 6)),
        ApComplaint(language), ApComplaint(language, byOperator: false), CeaseAndDesist(language),
        NoticeSent(language), NoticeAnswered(language), NoticeDeadlineMissed(language), NoticeReminderWaiting(language), PlatformNotice(language),
        PlatformComplaint(language), IdentityCheckAnswer(language),
    ];
}
