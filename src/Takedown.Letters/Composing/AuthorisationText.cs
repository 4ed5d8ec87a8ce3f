namespace Takedown.Letters.Composing;

/// <summary>
/// The authorisation (machtiging) a victim signs so the service may lodge and pursue an AP complaint for them. The AP
/// is an administrative body: anyone may be represented before it by an authorised person, and it may ask for the
/// authorisation in writing (Awb art. 2:1). The Dutch text is the one the AP reads; an English-speaking victim gets the
/// English translation beside it and signs both. Pure and deterministic, so its SHA-256 identifies what was signed.
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
            $"Ik, {victimName}, machtig {serviceName} om mij in zaak {caseReference} te vertegenwoordigen bij de Autoriteit Persoonsgegevens (artikel 2:1 Algemene wet bestuursrecht). {serviceName} mag namens mij:\n" +
            $"- een klacht indienen op grond van artikel 77 van de Algemene verordening gegevensbescherming (AVG) over de behandeling van mijn verzoeken om gegevenswissing (artikel 17 AVG) in deze zaak;\n" +
            $"- de Autoriteit Persoonsgegevens de stukken en gegevens geven die nodig zijn om die klacht te behandelen;\n" +
            $"- over die klacht met de Autoriteit Persoonsgegevens corresponderen en berichten daarover voor mij ontvangen.\n\n" +
            $"Deze machtiging geldt alleen voor zaak {caseReference}. Ik kan haar op elk moment intrekken in het portaal van {serviceName}.";
        if (!withEnglish)
        {
            return dutch;
        }
        return dutch + "\n\n" +
            $"Authorisation (English translation)\n\n" +
            $"I, {victimName}, authorise {serviceName} to represent me in case {caseReference} before the Autoriteit Persoonsgegevens, the Dutch data protection authority (Article 2:1 of the Dutch General Administrative Law Act). {serviceName} may on my behalf:\n" +
            $"- lodge a complaint under Article 77 of the General Data Protection Regulation (GDPR) about how my requests for erasure (Article 17 GDPR) in this case were handled;\n" +
            $"- give the Autoriteit Persoonsgegevens the documents and data it needs to handle that complaint;\n" +
            $"- correspond with the Autoriteit Persoonsgegevens about that complaint and receive messages about it for me.\n\n" +
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
