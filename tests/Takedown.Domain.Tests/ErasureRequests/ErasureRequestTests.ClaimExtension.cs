using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static ExtensionClaimed Extended => new(RequestId, "many sources to search", Amsterdam(4, 1));

    [Fact]
    public void Given_sent_request_When_extension_claimed_within_the_first_month_Then_extended_by_two_months()
    {
        var events = When(Given(Drafted, Approved, Sent), new ClaimExtension(RequestId, "many sources to search", Amsterdam(4, 1)));

        events.ShouldBe([Extended]);
        // Three months from Monday 10 March 2025: Tuesday 10 June 2025.
        Given(Drafted, Approved, Sent, Extended).AnswerDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 6, 10));
    }

    [Fact]
    public void Given_sent_request_When_extension_claimed_in_the_last_minute_of_the_first_month_Then_extended()
    {
        When(Given(Drafted, Approved, Sent), new ClaimExtension(RequestId, "reasons", Amsterdam(4, 10, 23, 59))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_sent_request_When_extension_claimed_after_a_month_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new ClaimExtension(RequestId, "reasons", Amsterdam(4, 11, 0, 0)), "within the first month");
    }

    [Fact]
    public void Given_sent_request_paused_for_an_identity_check_When_extension_claimed_after_the_calendar_month_Then_extended()
    {
        // The clock stood still five days, so the first month runs to 15 April.
        var paused = new IdentityCheckRequested(RequestId, "copy of ID", new(2025, 3, 20), Amsterdam(3, 20));
        var resumed = new IdentityCheckAnswered(RequestId, new(2025, 3, 25), Amsterdam(3, 25));

        When(Given(Drafted, Approved, Sent, paused, resumed), new ClaimExtension(RequestId, "reasons", Amsterdam(4, 14))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_sent_request_When_extension_claimed_without_reasons_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new ClaimExtension(RequestId, " ", Amsterdam(4, 1)), "reasons");
    }

    [Fact]
    public void Given_extended_request_When_the_same_extension_claimed_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Sent, Extended), new ClaimExtension(RequestId, Extended.Reason, Amsterdam(4, 2))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_extended_request_When_a_second_extension_claimed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent, Extended), new ClaimExtension(RequestId, "more time please", Amsterdam(4, 2)), "only one");
    }

    [Fact]
    public void Given_answered_request_When_extension_claimed_Then_refused()
    {
        var answered = new ErasureRequestAnswered(RequestId, ErasureOutcome.Complied, "", Amsterdam(3, 20));

        ThenRefused(Given(Drafted, Approved, Sent, answered), new ClaimExtension(RequestId, "reasons", Amsterdam(3, 21)), "answered");
    }
}
