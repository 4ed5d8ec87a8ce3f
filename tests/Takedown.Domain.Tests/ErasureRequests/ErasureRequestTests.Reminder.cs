using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    [Fact]
    public void Given_sent_request_a_week_before_its_deadline_Then_a_reminder_may_go()
    {
        Given(Drafted, Approved, Sent).WhyNoReminder(Engine, Amsterdam(4, 3)).ShouldBeNull();
    }

    [Fact]
    public void Given_answered_request_Then_no_reminder()
    {
        var answered = Given(Drafted, Approved, Sent, new ErasureRequestAnswered(RequestId, ErasureOutcome.Complied, "", Amsterdam(4, 1)));

        answered.WhyNoReminder(Engine, Amsterdam(4, 3))!.ShouldContain("answered");
    }

    [Fact]
    public void Given_withdrawn_request_Then_no_reminder()
    {
        Given(Drafted, Approved, Sent, new ErasureRequestWithdrawn(RequestId, "opgelost", Amsterdam(4, 1)))
            .WhyNoReminder(Engine, Amsterdam(4, 3))!.ShouldContain("withdrawn");
    }

    [Fact]
    public void Given_request_waiting_for_an_identity_check_Then_no_reminder()
    {
        Given(Drafted, Approved, Sent, new IdentityCheckRequested(RequestId, "kopie paspoort", new DateOnly(2025, 3, 20), Amsterdam(3, 20)))
            .WhyNoReminder(Engine, Amsterdam(4, 3))!.ShouldContain("identity check");
    }

    [Fact]
    public void Given_request_past_its_deadline_Then_no_reminder()
    {
        // Due Thursday 10 April 2025: at 00:00 on the 11th the deadline has passed.
        Given(Drafted, Approved, Sent).WhyNoReminder(Engine, Amsterdam(4, 11, 0, 1))!.ShouldContain("deadline has passed");
    }

    [Fact]
    public void Reminder_ids_are_one_per_request_and_due_date()
    {
        var id = ErasureRequest.ReminderIdFor(RequestId, new DateOnly(2025, 4, 10));

        ErasureRequest.ReminderIdFor(RequestId, new DateOnly(2025, 4, 10)).ShouldBe(id);
        ErasureRequest.ReminderIdFor(RequestId, new DateOnly(2025, 6, 10)).ShouldNotBe(id);
        ErasureRequest.ReminderIdFor(CaseId, new DateOnly(2025, 4, 10)).ShouldNotBe(id);
    }
}
