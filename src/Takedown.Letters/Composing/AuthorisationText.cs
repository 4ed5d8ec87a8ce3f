namespace Takedown.Letters.Composing;

/// <summary>
/// The authorisation (machtiging) a victim signs at the start of a case, so the service may act for them on all three
/// tracks: requests under the GDPR to the case's controllers and search engines (and answering their questions,
/// identity questions under Art. 12(6) included), DSA notices and internal complaints to platforms, and the AP complaint.
/// Towards controllers and platforms it is a power of representation (volmacht, BW 3:60); towards the AP, an
/// administrative body that may ask a representative for a written authorisation, Awb art. 2:1(2). The Dutch text is the
/// one the AP reads; an English-speaking victim gets the English translation beside it and signs both. Pure and
/// deterministic, so its SHA-256 identifies what was signed.
/// </summary>
public static class AuthorisationText
{
    /// <summary>The text to sign, in Dutch, followed by its English translation when <paramref name="withEnglish"/>.</summary>
    public static string For(string victimName, string serviceName, string caseReference, bool withEnglish)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(victimName);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(caseReference);
        var dutch =
            $"Machtiging\n\n" +
            $"Ik, {victimName}, machtig {serviceName} om mij in zaak {caseReference} te vertegenwoordigen (artikel 3:60 Burgerlijk Wetboek; tegenover de Autoriteit Persoonsgegevens artikel 2:1 Algemene wet bestuursrecht). {serviceName} mag namens mij:\n" +
            $"- verzoeken doen op grond van de Algemene verordening gegevensbescherming (AVG) aan de organisaties en zoekmachines in deze zaak: verzoeken om gegevenswissing (artikel 17 AVG), ook om verwijdering uit zoekresultaten, bezwaar (artikel 21 AVG) en verzoeken om inzage (artikel 15 AVG);\n" +
            $"- vragen van die organisaties over deze verzoeken beantwoorden, ook vragen naar mijn identiteit (artikel 12, zesde lid, AVG), met de stukken die ik daarvoor aan {serviceName} geef;\n" +
            $"- inhoud in deze zaak melden bij hostingdiensten en online platforms (artikel 16 van de digitaledienstenverordening, DSA) en bezwaar maken tegen hun besluiten (artikel 20 DSA);\n" +
            $"- een klacht indienen bij de Autoriteit Persoonsgegevens op grond van artikel 77 AVG over de behandeling van mijn verzoeken in deze zaak, de Autoriteit Persoonsgegevens de stukken en gegevens geven die nodig zijn om die klacht te behandelen, en over die klacht corresponderen en berichten daarover voor mij ontvangen.\n\n" +
            $"Deze machtiging geldt alleen voor zaak {caseReference}. Ik kan haar op elk moment intrekken in het portaal van {serviceName}.";
        if (!withEnglish)
        {
            return dutch;
        }
        return dutch + "\n\n" +
            $"Authorisation (English translation)\n\n" +
            $"I, {victimName}, authorise {serviceName} to represent me in case {caseReference} (Article 3:60 of the Dutch Civil Code; before the Autoriteit Persoonsgegevens, the Dutch data protection authority, Article 2:1 of the Dutch General Administrative Law Act). {serviceName} may on my behalf:\n" +
            $"- make requests under the General Data Protection Regulation (GDPR) to the organisations and search engines in this case: requests for erasure (Article 17 GDPR), including the delisting of search results, objections (Article 21 GDPR) and requests for access (Article 15 GDPR);\n" +
            $"- answer those organisations' questions about these requests, including questions about my identity (Article 12(6) GDPR), with the documents I give {serviceName} for that purpose;\n" +
            $"- report content in this case to hosting services and online platforms (Article 16 of the Digital Services Act, DSA) and object to their decisions (Article 20 DSA);\n" +
            $"- lodge a complaint with the Autoriteit Persoonsgegevens under Article 77 GDPR about how my requests in this case were handled, give the Autoriteit Persoonsgegevens the documents and data it needs to handle that complaint, and correspond with it about that complaint and receive messages about it for me.\n\n" +
            $"This authorisation applies to case {caseReference} only. I can revoke it at any time in the {serviceName} portal.";
    }

    /// <summary>
    /// The signed authorisation as a dossier quotes it: the text, then who signed it, when and how, and the SHA-256 of
    /// the text, so the AP (or a court) can check it against our records. <paramref name="signedAtLocal"/> is in
    /// Europe/Amsterdam.
    /// </summary>
    public static string AsSigned(string text, string textSha256, string signedName, DateTimeOffset signedAtLocal, string serviceName, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        var on = LetterDates.Format(DateOnly.FromDateTime(signedAtLocal.DateTime), language);
        var at = $"{signedAtLocal.Hour:00}:{signedAtLocal.Minute:00}";
        var signature = language == "nl"
            ? $"Elektronisch ondertekend door {signedName} op {on} om {at} (Europe/Amsterdam) door het intypen van de eigen naam in het portaal van {serviceName}, na aanmelding met een persoonlijke e-maillink. SHA-256 van de tekst: {textSha256}."
            : $"Signed electronically by {signedName} on {on} at {at} (Europe/Amsterdam) by typing their own name in the {serviceName} portal, after signing in with a personal e-mail link. SHA-256 of the text: {textSha256}.";
        return text + "\n\n" + signature;
    }
}
