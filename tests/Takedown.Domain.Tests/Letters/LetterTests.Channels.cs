using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    private static PrepareLetter ForPost(IReadOnlyList<string>? address) =>
        new(LetterId, CaseId, Guid.Empty, "CeaseAndDesist", "nl", "Jan Jansen", "", "Sommatie", "tekst", "<p>tekst</p>", Hash, true, T0,
            address, LetterChannels.Post, "replies+x@takedown.example");

    [Fact]
    public void Given_nothing_When_a_letter_for_the_post_is_prepared_Then_it_keeps_its_address_and_channel_without_an_e_mail_address()
    {
        var prepared = When(Given(), ForPost(["Dorpsweg 5", "3500 AB Utrecht"])).Single().ShouldBeOfType<LetterPrepared>();

        prepared.PostalAddress.ShouldBe(["Dorpsweg 5", "3500 AB Utrecht"]);
        prepared.Channel.ShouldBe(LetterChannels.Post);
        prepared.ReplyAddress.ShouldBe("replies+x@takedown.example");
        Given(prepared).Channel.ShouldBe(LetterChannels.Post);
    }

    [Fact]
    public void Given_nothing_When_a_letter_for_the_post_has_no_address_Then_refused()
    {
        ThenRefused(Given(), ForPost(null), "postal address");
        ThenRefused(Given(), ForPost(["", "Utrecht"]), "postal address");
    }

    [Fact]
    public void Given_approved_letter_for_the_post_Then_the_service_never_e_mails_it()
    {
        var prepared = When(Given(), ForPost(["Dorpsweg 5", "3500 AB Utrecht"]));
        var approved = Given([.. prepared, new LetterApproved(LetterId, "victim:1", T0)]);

        approved.Status.ShouldBe(LetterStatus.Approved);
        approved.MaySend.ShouldBeFalse();
    }

    [Fact]
    public void Given_letter_stored_before_channels_existed_Then_it_is_an_e_mail()
    {
        Given(Prepared(needsApproval: false)).Channel.ShouldBe(LetterChannels.Email);
        Given(Prepared(needsApproval: false)).MaySend.ShouldBeTrue();
    }

    [Fact]
    public void Given_nothing_When_prepared_for_an_unknown_channel_Then_refused()
    {
        ThenRefused(Given(), ForPost(["Dorpsweg 5"]) with { Channel = "fax" }, "'fax'");
    }
}
