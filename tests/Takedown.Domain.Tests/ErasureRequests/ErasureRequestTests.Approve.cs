using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_drafted_request_When_victim_approves_Then_approved()
    {
        When(Given(Drafted), new ApproveErasureRequest(RequestId, T0.AddHours(1))).ShouldBe([Approved]);
    }

    [Fact]
    public void Given_approved_request_When_approved_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved), new ApproveErasureRequest(RequestId, T0.AddHours(2))).ShouldBeEmpty();
        When(Given(Drafted, Approved, Sent), new ApproveErasureRequest(RequestId, T0.AddHours(2))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_withdrawn_draft_When_approved_Then_refused()
    {
        var withdrawn = new ErasureRequestWithdrawn(RequestId, "changed my mind", T0.AddHours(1));

        ThenRefused(Given(Drafted, withdrawn), new ApproveErasureRequest(RequestId, T0.AddHours(2)), "withdrawn");
    }
}
