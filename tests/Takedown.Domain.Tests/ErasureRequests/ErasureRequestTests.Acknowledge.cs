using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_sent_request_When_controller_acknowledges_Then_acknowledged()
    {
        var at = Amsterdam(3, 11);

        When(Given(Drafted, Approved, Sent), new AcknowledgeErasureRequest(RequestId, at)).ShouldBe([new ErasureRequestAcknowledged(RequestId, at)]);
    }

    [Fact]
    public void Given_acknowledged_request_When_acknowledged_again_Then_nothing_happens()
    {
        var acknowledged = new ErasureRequestAcknowledged(RequestId, Amsterdam(3, 11));

        When(Given(Drafted, Approved, Sent, acknowledged), new AcknowledgeErasureRequest(RequestId, Amsterdam(3, 12))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_approved_request_not_sent_When_acknowledged_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved), new AcknowledgeErasureRequest(RequestId, Amsterdam(3, 11)), "approved but not sent");
    }
}
