using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_nothing_When_opened_Then_opened_with_reference_language_and_mode()
    {
        When(Given(), new OpenCase(CaseId, "TD-2025-0001", "nl", EscalationMode.OperatorReview, T0)).ShouldBe([Opened]);
        Given(Opened).IsOpen.ShouldBeTrue();
    }

    [Fact]
    public void Given_open_case_When_opened_again_Then_nothing_happens()
    {
        When(Given(Opened), new OpenCase(CaseId, "TD-2025-0001", "nl", EscalationMode.OperatorReview, T0.AddMinutes(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_open_case_When_opened_under_another_reference_Then_refused()
    {
        ThenRefused(Given(Opened), new OpenCase(CaseId, "TD-2025-0002", "nl", EscalationMode.OperatorReview, T0), "already been opened");
    }

    [Fact]
    public void Given_nothing_When_opened_in_an_unknown_language_Then_refused()
    {
        ThenRefused(Given(), new OpenCase(CaseId, "TD-2025-0001", "de", EscalationMode.OperatorReview, T0), "'nl' or 'en'");
    }

    [Fact]
    public void Given_nothing_When_opened_without_reference_Then_refused()
    {
        ThenRefused(Given(), new OpenCase(CaseId, " ", "en", EscalationMode.Automatic, T0), "reference");
    }
}
