using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static DeadlineMissed Missed => new(RequestId, new(2025, 4, 10), Amsterdam(4, 11, 0, 0));

    [Fact]
    public void Given_sent_request_When_the_day_after_the_deadline_begins_Then_deadline_missed()
    {
        When(Given(Drafted, Approved, Sent), new MarkDeadlineMissed(RequestId, Amsterdam(4, 11, 0, 0))).ShouldBe([Missed]);
    }

    [Fact]
    public void Given_sent_request_When_checked_in_the_last_minute_of_the_due_day_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new MarkDeadlineMissed(RequestId, Amsterdam(4, 10, 23, 59)), "not passed yet");
    }

    [Fact]
    public void Given_extended_request_When_a_month_has_passed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Extended), new MarkDeadlineMissed(RequestId, Amsterdam(4, 20)), "2025-06-10");
    }

    [Fact]
    public void Given_paused_request_When_the_calendar_month_has_passed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Paused), new MarkDeadlineMissed(RequestId, Amsterdam(4, 20)), "clock is stopped");
    }

    [Fact]
    public void Given_missed_deadline_When_marked_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Missed), new MarkDeadlineMissed(RequestId, Amsterdam(4, 12))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_answered_request_When_deadline_marked_missed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Refused), new MarkDeadlineMissed(RequestId, Amsterdam(4, 20)), "answered");
    }
}
