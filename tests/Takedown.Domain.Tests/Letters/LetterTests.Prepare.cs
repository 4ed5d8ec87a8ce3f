using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    [Fact]
    public void Given_nothing_When_prepared_Then_prepared_with_its_hash()
    {
        var p = Prepared();

        When(Given(), new PrepareLetter(LetterId, CaseId, RequestId, p.Kind, p.Language, p.RecipientName, p.RecipientEmail, p.Subject, p.PlainText, p.Html, Hash, true, T0))
            .ShouldBe([p]);
    }

    [Fact]
    public void Given_prepared_When_prepared_again_with_the_same_text_Then_nothing_happens()
    {
        var p = Prepared();

        When(Given(p), new PrepareLetter(LetterId, CaseId, RequestId, p.Kind, p.Language, p.RecipientName, p.RecipientEmail, p.Subject, p.PlainText, p.Html, Hash, true, T0)).ShouldBeEmpty();
    }

    [Fact]
    public void Given_prepared_When_prepared_again_with_another_text_Then_refused()
    {
        var p = Prepared();

        ThenRefused(Given(p), new PrepareLetter(LetterId, CaseId, RequestId, p.Kind, p.Language, p.RecipientName, p.RecipientEmail, p.Subject, "other", p.Html, "b4", true, T0), "another text");
    }

    [Fact]
    public void Given_nothing_When_prepared_without_recipient_Then_refused()
    {
        ThenRefused(Given(), new PrepareLetter(LetterId, CaseId, RequestId, "ErasureRequest", "nl", "X", "", "S", "tekst", "<p/>", Hash, true, T0), "recipient");
    }
}
