using Takedown.Letters.Composing;

namespace Takedown.Letters.Tests;

public class AuthorisationTextTests
{
    [Fact]
    public void Dutch_text_names_the_victim_the_service_the_case_the_AP_and_the_articles()
    {
        var text = AuthorisationText.For("Anna de Vries", "Takedown", "TD-2026-0042", withEnglish: false);

        text.ShouldStartWith("Machtiging\n\nIk, Anna de Vries, machtig Takedown om mij in zaak TD-2026-0042 te vertegenwoordigen bij de Autoriteit Persoonsgegevens");
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
