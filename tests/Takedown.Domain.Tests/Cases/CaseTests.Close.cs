using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_open_case_When_closed_Then_closed()
    {
        When(Given(Opened), new CloseCase(CaseId, T0.AddDays(30))).ShouldBe([new CaseClosed(CaseId, T0.AddDays(30))]);
    }

    [Fact]
    public void Given_closed_case_When_closed_again_Then_nothing_happens()
    {
        When(Given(Opened, new CaseClosed(CaseId, T0.AddDays(30))), new CloseCase(CaseId, T0.AddDays(31))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_deleted_case_When_closed_Then_refused()
    {
        ThenRefused(Given(Opened, new CaseDeletedByVictim(CaseId, T0.AddDays(1))), new CloseCase(CaseId, T0.AddDays(2)), "deleted");
    }
}
