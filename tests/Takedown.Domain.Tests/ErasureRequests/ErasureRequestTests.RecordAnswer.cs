using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static ErasureRequestAnswered Refused => new(RequestId, ErasureOutcome.Refused, "freedom of expression", Amsterdam(4, 2));

    [Theory]
    [InlineData(ErasureOutcome.Complied)]
    [InlineData(ErasureOutcome.PartlyComplied)]
    [InlineData(ErasureOutcome.Refused)]
    public void Given_sent_request_When_controller_answers_Then_answered_with_its_reasons(ErasureOutcome outcome)
    {
        var events = When(Given(Drafted, Approved, Sent), new RecordErasureAnswer(RequestId, outcome, "reasons", Amsterdam(4, 2)));

        events.ShouldBe([new ErasureRequestAnswered(RequestId, outcome, "reasons", Amsterdam(4, 2))]);
        var state = Given(Drafted, Approved, Sent, events[0]);
        state.Status.ShouldBe(ErasureRequestStatus.Answered);
        state.Outcome.ShouldBe(outcome);
    }

    [Fact]
    public void Given_missed_deadline_When_controller_answers_late_Then_answered()
    {
        var missed = new DeadlineMissed(RequestId, new(2025, 4, 10), Amsterdam(4, 11));

        When(Given(Drafted, Approved, Sent, missed), new RecordErasureAnswer(RequestId, ErasureOutcome.Complied, "", Amsterdam(4, 14))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_escalated_request_When_controller_answers_late_Then_answered_and_still_escalated()
    {
        var missed = new DeadlineMissed(RequestId, new(2025, 4, 10), Amsterdam(4, 11));
        var escalated = new ErasureRequestEscalated(RequestId, ComplaintId, Amsterdam(4, 12));
        var answer = When(Given(Drafted, Approved, Sent, missed, escalated), new RecordErasureAnswer(RequestId, ErasureOutcome.Complied, "", Amsterdam(4, 14)));

        Given(Drafted, Approved, Sent, missed, escalated, answer[0]).Status.ShouldBe(ErasureRequestStatus.Escalated);
    }

    [Fact]
    public void Given_answered_request_When_the_same_answer_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Refused), new RecordErasureAnswer(RequestId, ErasureOutcome.Refused, "freedom of expression", Amsterdam(4, 3))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_answered_request_When_a_different_answer_recorded_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Refused), new RecordErasureAnswer(RequestId, ErasureOutcome.Complied, "", Amsterdam(4, 3)), "already answered");
    }

    [Fact]
    public void Given_withdrawn_request_When_controller_answers_Then_refused()
    {
        var withdrawn = new ErasureRequestWithdrawn(RequestId, "", Amsterdam(3, 15));

        ThenRefused(Given(Drafted, Approved, Sent, withdrawn), new RecordErasureAnswer(RequestId, ErasureOutcome.Complied, "", Amsterdam(3, 16)), "withdrawn");
    }

    [Fact]
    public void Given_unsent_request_When_controller_answers_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved), new RecordErasureAnswer(RequestId, ErasureOutcome.Complied, "", Amsterdam(3, 16)), "cannot be answered");
    }
}
