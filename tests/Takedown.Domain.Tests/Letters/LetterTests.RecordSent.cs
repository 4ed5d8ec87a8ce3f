using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    [Fact]
    public void Given_approved_When_sent_Then_sent_with_message_id_and_hash()
    {
        When(Given(Prepared(), new LetterApproved(LetterId, "victim", T0)), new RecordLetterSent(LetterId, "<id@takedown>", "250 accepted", T0.AddMinutes(1)))
            .ShouldBe([new LetterSent(LetterId, "<id@takedown>", Hash, "250 accepted", T0.AddMinutes(1))]);
    }

    [Fact]
    public void Given_prepared_letter_that_needs_approval_When_sent_Then_refused()
    {
        ThenRefused(Given(Prepared()), new RecordLetterSent(LetterId, "<id@takedown>", "250", T0), "approved");
    }

    [Fact]
    public void Given_notice_that_needs_no_approval_When_sent_Then_sent()
    {
        When(Given(Prepared(needsApproval: false)), new RecordLetterSent(LetterId, "<id@takedown>", "250", T0)).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_sent_When_sent_again_Then_nothing_happens()
    {
        var state = Given(Prepared(), new LetterApproved(LetterId, "victim", T0), new LetterSent(LetterId, "<id@takedown>", Hash, "250", T0));

        When(state, new RecordLetterSent(LetterId, "<id@takedown>", "250", T0.AddMinutes(5))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_sent_When_failure_recorded_Then_refused()
    {
        var state = Given(Prepared(), new LetterApproved(LetterId, "victim", T0), new LetterSent(LetterId, "<id@takedown>", Hash, "250", T0));

        ThenRefused(state, new RecordLetterFailure(LetterId, "550", "x", T0), "already sent");
    }

    [Fact]
    public void Given_approved_When_failure_recorded_Then_failed_and_a_second_failure_adds_nothing()
    {
        var state = Given(Prepared(), new LetterApproved(LetterId, "victim", T0));
        var failed = When(state, new RecordLetterFailure(LetterId, "550", "mailbox unknown", T0));

        failed.ShouldBe([new LetterSendFailed(LetterId, "550", "mailbox unknown", T0)]);
        When(Given([Prepared(), new LetterApproved(LetterId, "victim", T0), .. failed]), new RecordLetterFailure(LetterId, "550", "again", T0)).ShouldBeEmpty();
    }
}
