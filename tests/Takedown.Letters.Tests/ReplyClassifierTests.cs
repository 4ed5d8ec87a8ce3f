using Takedown.Letters.Replies;

namespace Takedown.Letters.Tests;

public class ReplyClassifierTests
{
    [Theory]
    [InlineData("Re: Verzoek om gegevenswissing", "Geachte heer/mevrouw,\n\nNaar aanleiding van uw verzoek laten wij u weten dat de gegevens zijn verwijderd.\n\nMet vriendelijke groet", ReplyMeaning.Answered)]
    [InlineData("Re: Request for erasure", "Hello,\n\nWe have removed the post you reported. It is no longer available.", ReplyMeaning.Answered)]
    [InlineData("Re: Verzoek", "Wij wijzen uw verzoek af, omdat de publicatie journalistiek van aard is.", ReplyMeaning.Answered)]
    [InlineData("Re: Request", "Due to the number of requests we need to extend the period to respond by two further months.", ReplyMeaning.Extension)]
    [InlineData("Re: Verzoek", "Gezien de complexiteit verlengen wij de termijn met twee maanden.", ReplyMeaning.Extension)]
    [InlineData("Re: Verzoek", "Om uw identiteit te kunnen vaststellen, vragen wij u een kopie van uw identiteitsbewijs te sturen. Daarna zullen wij de gegevens verwijderen.", ReplyMeaning.IdentityCheck)]
    [InlineData("Re: Request", "Before we act on this request we must verify your identity. Please send proof of identity.", ReplyMeaning.IdentityCheck)]
    [InlineData("Undelivered Mail Returned to Sender", "This is the mail system at host mx.example.\n\n<privacy@forum.example>: host said: 550 5.1.1 User unknown", ReplyMeaning.Bounce)]
    [InlineData("Onbestelbaar: Verzoek om gegevenswissing", "Het bericht kan niet worden bezorgd.", ReplyMeaning.Bounce)]
    [InlineData("Re: Verzoek", "Bedankt voor uw bericht, wij komen erop terug.", ReplyMeaning.Unknown)]
    public void Proposes_the_meaning_of_a_reply(string subject, string body, ReplyMeaning expected)
    {
        var result = ReplyClassifier.Classify(subject, body);

        result.Meaning.ShouldBe(expected);
        if (expected == ReplyMeaning.Unknown)
        {
            result.MatchedPhrases.ShouldBeEmpty();
            result.Confidence.ShouldBe(0);
        }
        else
        {
            result.MatchedPhrases.ShouldNotBeEmpty();
            result.Confidence.ShouldBeInRange(0.3, 0.95);
        }
    }

    [Fact]
    public void Delivery_status_notification_is_a_bounce_by_its_content_type()
    {
        var result = ReplyClassifier.Classify("Mail", "Something went wrong.", "multipart/report; report-type=delivery-status; boundary=\"x\"", "MAILER-DAEMON@mx.example");

        result.Meaning.ShouldBe(ReplyMeaning.Bounce);
        result.Confidence.ShouldBe(0.95);
        result.MatchedPhrases.ShouldContain("content-type: multipart/report");
    }

    [Fact]
    public void Mailer_daemon_sender_is_a_bounce()
    {
        ReplyClassifier.Classify("Returned mail", "see attachment", fromAddress: "MAILER-DAEMON@mx.example").Meaning.ShouldBe(ReplyMeaning.Bounce);
    }

    [Fact]
    public void Quoted_original_letter_does_not_count()
    {
        // Our own letter talks about extensions and identity checks; only the controller's own words count.
        const string body = "Beste,\n\nDe gegevens zijn verwijderd.\n\nOp 3 mrt. 2026 om 10:00 schreef Takedown <replies+x@takedown.test>:\n"
            + "> Die termijn kan alleen met twee maanden worden verlengd\n> Hebt u gerede twijfel over de identiteit, vraag om een kopie van uw identiteitsbewijs\n";
        const string outlook = "The data has been deleted.\n\n-----Original Message-----\nFrom: Takedown\nThat period may be extended by two further months. Please send proof of identity.";

        ReplyClassifier.Classify("Re: Verzoek", body).Meaning.ShouldBe(ReplyMeaning.Answered);
        ReplyClassifier.Classify("RE: Request", outlook).Meaning.ShouldBe(ReplyMeaning.Answered);
        ReplyClassifier.Classify("Re: Verzoek", body).Confidence.ShouldBe(0.5);
    }

    [Fact]
    public void Out_of_office_reply_is_not_an_answer()
    {
        var result = ReplyClassifier.Classify("Automatisch antwoord: Verzoek om gegevenswissing", "Ik ben afwezig. Uw bericht is niet verwijderd en wordt na mijn terugkomst behandeld.");

        result.Meaning.ShouldBe(ReplyMeaning.Unknown);
        result.MatchedPhrases.ShouldContain("automatisch antwoord");
    }

    [Fact]
    public void Mixed_signals_lower_the_confidence()
    {
        var clear = ReplyClassifier.Classify("Re", "We need to extend the deadline.");
        var mixed = ReplyClassifier.Classify("Re", "We need to extend the deadline. Some posts have been removed already.");

        mixed.Meaning.ShouldBe(ReplyMeaning.Extension);
        mixed.Confidence.ShouldBeLessThan(clear.Confidence);
    }
}
