using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    private static readonly DateOnly Today = new(2025, 3, 12);

    private static RecordLetterPosted Posting(DateOnly on, string? code) => new(LetterId, on, code, "victim:1", Today, T0);

    private static Letter ForPostPrepared() => Given(When(Given(), ForPost(["Dorpsweg 5", "3500 AB Utrecht"])));

    [Fact]
    public void Given_a_letter_for_the_post_When_the_victim_records_posting_it_Then_the_date_and_the_normalized_tracking_code_are_kept()
    {
        var posted = When(ForPostPrepared(), Posting(Today.AddDays(-1), " 3s-abcd 1234567 ")).Single().ShouldBeOfType<LetterPosted>();

        posted.PostedOn.ShouldBe(Today.AddDays(-1));
        posted.TrackingCode.ShouldBe("3SABCD1234567");
        posted.RecordedBy.ShouldBe("victim:1");
        Letter.Evolve(ForPostPrepared(), posted).Posted.ShouldBe(posted);
    }

    [Fact]
    public void Given_a_letter_for_the_post_When_posted_without_a_tracking_code_Then_recorded_with_none()
    {
        When(ForPostPrepared(), Posting(Today, "  ")).Single().ShouldBeOfType<LetterPosted>().TrackingCode.ShouldBeNull();
    }

    [Fact]
    public void Given_a_recorded_posting_When_the_same_is_recorded_again_Then_nothing_new_and_a_correction_is_a_new_event()
    {
        var posted = When(ForPostPrepared(), Posting(Today, "3SABCD1234567")).Single();
        var state = Letter.Evolve(ForPostPrepared(), posted);

        When(state, Posting(Today, "3sabcd1234567")).ShouldBeEmpty();
        When(state, Posting(Today, "3SABCD7654321")).Single().ShouldBeOfType<LetterPosted>().TrackingCode.ShouldBe("3SABCD7654321");
    }

    [Fact]
    public void Given_a_letter_for_the_post_When_posted_tomorrow_or_with_a_code_that_is_no_code_Then_refused()
    {
        ThenRefused(ForPostPrepared(), Posting(Today.AddDays(1), null), "future");
        Should.Throw<DomainRuleViolated>(() => When(ForPostPrepared(), Posting(Today.AddDays(1), null))).Code.ShouldBe(DomainRuleViolated.DateInFuture);
        ThenRefused(ForPostPrepared(), Posting(Today, "3S<script>"), "letters and digits");
        ThenRefused(ForPostPrepared(), Posting(Today, new string('A', 41)), "letters and digits");
    }

    [Fact]
    public void Given_an_e_mail_letter_or_none_When_recorded_as_posted_Then_refused()
    {
        ThenRefused(Given(Prepared(needsApproval: true)), Posting(Today, null), "Only a letter for the post");
        ThenRefused(Given(), Posting(Today, null), "no letter");
    }
}
