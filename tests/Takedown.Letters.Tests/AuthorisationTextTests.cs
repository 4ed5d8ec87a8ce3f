using Takedown.Letters.Composing;

namespace Takedown.Letters.Tests;

public class AuthorisationTextTests
{
    [Fact]
    public void Dutch_text_names_the_victim_the_service_the_case_and_covers_GDPR_requests_identity_questions_DSA_notices_and_the_AP_complaint()
    {
        var text = AuthorisationText.For("Anna de Vries", "Takedown", "TD-2026-0042", withEnglish: false);

        text.ShouldStartWith("Machtiging\n\nIk, Anna de Vries, machtig Takedown om mij in zaak TD-2026-0042 te vertegenwoordigen");
        // One authorisation for the three tracks: BW 3:60 towards controllers and platforms, Awb 2:1(2) towards the AP.
        foreach (var phrase in new[] { "artikel 3:60 Burgerlijk Wetboek", "artikel 15 AVG", "artikel 21 AVG", "verwijdering uit zoekresultaten",
                     "vragen naar mijn identiteit (artikel 12, zesde lid, AVG)", "artikel 16 van de digitaledienstenverordening", "artikel 20 DSA",
                     "een klacht indienen bij de Autoriteit Persoonsgegevens" })
        {
            text.ShouldContain(phrase);
        }
        text.ShouldContain("artikel 2:1 Algemene wet bestuursrecht");
        text.ShouldContain("artikel 77");
        text.ShouldContain("artikel 17 AVG");
        text.ShouldContain("op elk moment intrekken");
        text.ShouldNotContain("Authorisation");
    }

    [Fact]
    public void English_speaking_victims_sign_the_Dutch_text_with_its_translation_and_the_text_is_the_same_every_time()
    {
        var text = AuthorisationText.For("Anna de Vries", "Takedown", "TD-2026-0042", withEnglish: true);

        text.ShouldStartWith("Machtiging");
        text.ShouldContain("Authorisation (English translation)");
        text.ShouldContain("Article 2:1 of the Dutch General Administrative Law Act");
        text.ShouldContain("questions about my identity (Article 12(6) GDPR)");
        text.ShouldContain("Article 16 of the Digital Services Act");
        text.ShouldContain("I can revoke it at any time");
        AuthorisationText.For("Anna de Vries", "Takedown", "TD-2026-0042", withEnglish: true).ShouldBe(text);
    }

    [Theory]
    [InlineData("nl", "Elektronisch ondertekend door Anna de Vries op 1 april 2026 om 21:05 (Europe/Amsterdam)", "SHA-256 van de tekst: ab12.")]
    [InlineData("en", "Signed electronically by Anna de Vries on 1 April 2026 at 21:05 (Europe/Amsterdam)", "SHA-256 of the text: ab12.")]
    public void A_signed_authorisation_says_who_signed_when_how_and_which_text(string language, string signature, string hash)
    {
        var signed = AuthorisationText.AsSigned("Tekst.", "ab12", "Anna de Vries", new DateTimeOffset(2026, 4, 1, 21, 5, 0, TimeSpan.FromHours(2)), "Takedown", language);

        signed.ShouldStartWith("Tekst.\n\n");
        signed.ShouldContain(signature);
        signed.ShouldEndWith(hash);
    }
}
