using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static IdentityCheckAnswered Resumed => new(RequestId, new(2025, 3, 25), Amsterdam(3, 25));

    [Fact]
    public void Given_paused_request_When_the_service_answers_the_identity_question_under_Art_12_6_Then_the_clock_runs_again_from_that_day_and_the_deadline_moved()
    {
        var events = When(Given(Drafted, Approved, Sent, Paused), new AnswerIdentityCheck(RequestId, Amsterdam(3, 25)));

        events.ShouldBe([Resumed]);
        var state = Given(Drafted, Approved, Sent, Paused, Resumed);
        state.IsPaused.ShouldBeFalse();
        state.Pauses.ShouldBe([new ClockPause(new(2025, 3, 20), new(2025, 3, 25))]);
        var deadline = state.AnswerDeadline(Engine)!;
        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 15));
        deadline.Explanation.En.ShouldContain("identity check");
    }

    [Fact]
    public void Given_answered_identity_check_When_answered_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Paused, Resumed), new AnswerIdentityCheck(RequestId, Amsterdam(3, 26))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_sent_request_without_identity_check_When_answered_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new AnswerIdentityCheck(RequestId, Amsterdam(3, 26)), "has not asked");
    }
}
