using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static IdentityCheckRequested Paused => new(RequestId, "copy of ID", new(2025, 3, 20), Amsterdam(3, 20));

    [Fact]
    public void Given_sent_request_When_controller_asks_to_verify_identity_Then_the_clock_stops_that_day()
    {
        var events = When(Given(Drafted, Approved, Sent), new RequestIdentityCheck(RequestId, "copy of ID", Amsterdam(3, 20)));

        events.ShouldBe([Paused]);
        var state = Given(Drafted, Approved, Sent, Paused);
        state.IsPaused.ShouldBeTrue();
        state.Pauses.ShouldBe([new ClockPause(new(2025, 3, 20), null)]);
        state.AnswerDeadline(Engine, today: new(2025, 3, 27))!.DueDate.ShouldBe(new DateOnly(2025, 4, 17));
    }

    [Fact]
    public void Given_paused_request_When_identity_check_asked_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Paused), new RequestIdentityCheck(RequestId, "copy of ID", Amsterdam(3, 21))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_sent_request_When_identity_check_asked_after_the_deadline_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new RequestIdentityCheck(RequestId, "copy of ID", Amsterdam(4, 11, 9)), "does not stop the clock");
    }

    [Fact]
    public void Given_draft_When_identity_check_asked_Then_refused()
    {
        ThenRefused(Given(Drafted), new RequestIdentityCheck(RequestId, "copy of ID", Amsterdam(3, 8)), "still a draft");
    }
}
