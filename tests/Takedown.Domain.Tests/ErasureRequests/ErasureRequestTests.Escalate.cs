using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static ErasureRequestEscalated Escalated => new(RequestId, ComplaintId, Amsterdam(4, 12));

    [Fact]
    public void Given_missed_deadline_When_escalated_Then_escalated_to_the_complaint()
    {
        When(Given(Drafted, Approved, Sent, Missed), new EscalateErasureRequest(RequestId, ComplaintId, Amsterdam(4, 12))).ShouldBe([Escalated]);
        Given(Drafted, Approved, Sent, Missed, Escalated).ApComplaintId.ShouldBe(ComplaintId);
    }

    [Fact]
    public void Given_refused_request_When_escalated_Then_escalated()
    {
        When(Given(Drafted, Approved, Sent, Refused), new EscalateErasureRequest(RequestId, ComplaintId, Amsterdam(4, 12))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_complied_request_When_escalated_Then_refused()
    {
        var complied = new ErasureRequestAnswered(RequestId, ErasureOutcome.Complied, "", Amsterdam(4, 2));

        ThenRefused(Given(Drafted, Approved, Sent, complied), new EscalateErasureRequest(RequestId, ComplaintId, Amsterdam(4, 12)), "can be escalated");
    }

    [Fact]
    public void Given_request_still_within_its_deadline_When_escalated_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new EscalateErasureRequest(RequestId, ComplaintId, Amsterdam(4, 1)), "deadline was missed");
    }

    [Fact]
    public void Given_escalated_request_When_escalated_again_to_the_same_complaint_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Missed, Escalated), new EscalateErasureRequest(RequestId, ComplaintId, Amsterdam(4, 13))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_escalated_request_When_escalated_to_another_complaint_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Missed, Escalated), new EscalateErasureRequest(RequestId, Guid.NewGuid(), Amsterdam(4, 13)), "already been escalated");
    }
}
