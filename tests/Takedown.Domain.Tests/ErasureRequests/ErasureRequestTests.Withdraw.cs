using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_sent_request_When_victim_withdraws_Then_withdrawn()
    {
        var at = Amsterdam(3, 15);

        When(Given(Drafted, Approved, Sent), new WithdrawErasureRequest(RequestId, "resolved otherwise", at))
            .ShouldBe([new ErasureRequestWithdrawn(RequestId, "resolved otherwise", at)]);
    }

    [Fact]
    public void Given_draft_When_victim_withdraws_Then_withdrawn()
    {
        When(Given(Drafted), new WithdrawErasureRequest(RequestId, "", T0.AddHours(1))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_withdrawn_request_When_withdrawn_again_Then_nothing_happens()
    {
        var withdrawn = new ErasureRequestWithdrawn(RequestId, "", Amsterdam(3, 15));

        When(Given(Drafted, Approved, Sent, withdrawn), new WithdrawErasureRequest(RequestId, "", Amsterdam(3, 16))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_closed_request_When_withdrawn_Then_refused()
    {
        var closed = new ErasureRequestClosed(RequestId, Amsterdam(4, 5));

        ThenRefused(Given(Drafted, Approved, Sent, Refused, closed), new WithdrawErasureRequest(RequestId, "", Amsterdam(4, 6)), "closed");
    }
}
