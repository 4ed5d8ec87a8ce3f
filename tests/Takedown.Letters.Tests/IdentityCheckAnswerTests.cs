using MimeKit;
using Takedown.Letters.Composing;
using Takedown.Letters.Sending;

namespace Takedown.Letters.Tests;

/// <summary>
/// The service's answer to a controller's identity question (GDPR Art. 12(6)): the victim's masked identity document goes
/// as an attachment, with the signed authorisation quoted, only to the controller, which is asked to destroy it after.
/// </summary>
public class IdentityCheckAnswerTests
{
    [Theory]
    [InlineData("nl", "artikel 12, zesde lid, AVG", "het burgerservicenummer, de pasfoto en het adres zijn afgeschermd", "vernietig haar zodra dat is gebeurd",
        "neem geen contact op met betrokkene zelf", "loopt de termijn voor uw antwoord op het verzoek weer", "Ik, Anna de Vries, machtig Takedown")]
    [InlineData("en", "Article 12(6) GDPR", "the citizen service number, the photo and the address masked", "destroy it once that is done",
        "do not contact the data subject directly", "the time for your answer to the request runs again", "Ik, Anna de Vries, machtig Takedown")]
    public void Answer_to_an_identity_question_under_Art_12_6_sends_a_masked_copy_with_the_authorisation_and_asks_to_destroy_it(string language, params string[] required)
    {
        var letter = LetterComposer.Compose(Samples.IdentityCheckAnswer(language));

        letter.Kind.ShouldBe(LetterKind.IdentityCheckAnswer);
        letter.Subject.ShouldContain("TD-2026-0042");
        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
        LetterComposer.Compose(Samples.IdentityCheckAnswer(language) with { Delisting = true }).Subject
            .ShouldContain(language == "nl" ? "verwijdering uit zoekresultaten" : "delist search results");
    }

    [Fact]
    public void A_letter_with_an_attachment_carries_it_beside_the_text_with_its_own_type_and_name()
    {
        var composed = LetterComposer.Compose(Samples.IdentityCheckAnswer("nl"));
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];

        var message = LetterMessage.Build(
            new OutgoingLetter(Guid.NewGuid(), "privacy@forum.example", "Voorbeeld Forum B.V.", Samples.ReplyAddress, composed, null, "x.pdf",
                [new MailAttachment("identiteitsbewijs-afgeschermd.png", "image/png", png)]),
            new MailboxAddress("Takedown", "noreply@takedown.test"), "<id@takedown.test>", DateTimeOffset.UnixEpoch);

        var part = message.Attachments.OfType<MimePart>().Single();
        part.FileName.ShouldBe("identiteitsbewijs-afgeschermd.png");
        part.ContentType.MimeType.ShouldBe("image/png");
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        content.ToArray().ShouldBe(png);
        message.TextBody!.ShouldContain("artikel 12, zesde lid, AVG");
    }
}
