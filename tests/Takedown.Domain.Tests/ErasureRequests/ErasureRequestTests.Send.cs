using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_approved_request_When_sent_Then_sent_with_the_date_of_receipt_that_starts_the_clock()
    {
        var events = When(Given(Drafted, Approved), new SendErasureRequest(RequestId, ReceivedOn, Sent.SentAt));

        events.ShouldBe([Sent]);
        var state = Given(Drafted, Approved, Sent);
        state.Status.ShouldBe(ErasureRequestStatus.Sent);
        state.AnswerDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 4, 10));
    }

    [Fact]
    public void Given_approved_request_When_sent_by_post_Then_receipt_can_be_later_than_sending()
    {
        var events = When(Given(Drafted, Approved), new SendErasureRequest(RequestId, new(2025, 3, 12), Sent.SentAt));

        events.Single().ShouldBeOfType<ErasureRequestSent>().ReceivedOn.ShouldBe(new DateOnly(2025, 3, 12));
    }

    [Fact]
    public void Given_drafted_request_When_sent_before_the_victim_approved_Then_refused()
    {
        ThenRefused(Given(Drafted), new SendErasureRequest(RequestId, ReceivedOn, Sent.SentAt), "must approve");
    }

    [Fact]
    public void Given_sent_request_When_the_same_send_is_repeated_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent), new SendErasureRequest(RequestId, ReceivedOn, Sent.SentAt.AddMinutes(5))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_sent_request_When_sent_a_second_time_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new SendErasureRequest(RequestId, new(2025, 3, 20), Amsterdam(3, 20)), "second time");
    }

    [Fact]
    public void Given_approved_request_When_receipt_is_before_sending_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved), new SendErasureRequest(RequestId, new(2025, 3, 9), Sent.SentAt), "before the day");
    }

    [Fact]
    public void Given_withdrawn_request_When_sent_Then_refused()
    {
        var withdrawn = new ErasureRequestWithdrawn(RequestId, "", T0.AddHours(2));

        ThenRefused(Given(Drafted, Approved, withdrawn), new SendErasureRequest(RequestId, ReceivedOn, Sent.SentAt), "withdrawn");
    }
}
