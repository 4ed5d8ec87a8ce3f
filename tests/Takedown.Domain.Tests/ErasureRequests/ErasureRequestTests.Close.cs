using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_answered_request_When_closed_Then_closed()
    {
        var at = Amsterdam(4, 5);

        When(Given(Drafted, Approved, Sent, Refused), new CloseErasureRequest(RequestId, at)).ShouldBe([new ErasureRequestClosed(RequestId, at)]);
    }

    [Fact]
    public void Given_escalated_request_When_closed_Then_closed()
    {
        When(Given(Drafted, Approved, Sent, Missed, Escalated), new CloseErasureRequest(RequestId, Amsterdam(6, 1))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_closed_request_When_closed_again_Then_nothing_happens()
    {
        var closed = new ErasureRequestClosed(RequestId, Amsterdam(4, 5));

        When(Given(Drafted, Approved, Sent, Refused, closed), new CloseErasureRequest(RequestId, Amsterdam(4, 6))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_request_awaiting_the_answer_When_closed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new CloseErasureRequest(RequestId, Amsterdam(3, 20)), "withdraw it or wait");
    }

    [Fact]
    public void Given_any_request_When_a_command_it_does_not_know_Then_refused()
    {
        ThenRefused(Given(Drafted), "not a command", "does not handle");
    }
}
