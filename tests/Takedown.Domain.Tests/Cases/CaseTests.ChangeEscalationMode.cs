using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_open_case_When_escalation_mode_changed_Then_changed()
    {
        var at = T0.AddDays(1);

        When(Given(Opened), new ChangeEscalationMode(CaseId, EscalationMode.Automatic, at)).ShouldBe([new EscalationModeChanged(CaseId, EscalationMode.Automatic, at)]);
        Given(Opened, new EscalationModeChanged(CaseId, EscalationMode.Automatic, at)).EscalationMode.ShouldBe(EscalationMode.Automatic);
    }

    [Fact]
    public void Given_open_case_When_escalation_mode_set_to_what_it_is_Then_nothing_happens()
    {
        When(Given(Opened), new ChangeEscalationMode(CaseId, EscalationMode.OperatorReview, T0.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_closed_case_When_escalation_mode_changed_Then_refused()
    {
        ThenRefused(Given(Opened, new CaseClosed(CaseId, T0.AddDays(1))), new ChangeEscalationMode(CaseId, EscalationMode.Automatic, T0.AddDays(2)), "closed");
    }

    [Fact]
    public void Given_nothing_When_escalation_mode_changed_Then_refused()
    {
        ThenRefused(Given(), new ChangeEscalationMode(CaseId, EscalationMode.Automatic, T0), "not been opened");
    }
}
