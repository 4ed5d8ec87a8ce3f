using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_open_case_When_victim_deletes_it_Then_deleted()
    {
        When(Given(Opened), new DeleteCase(CaseId, T0.AddDays(1))).ShouldBe([new CaseDeletedByVictim(CaseId, T0.AddDays(1))]);
    }

    [Fact]
    public void Given_closed_case_When_victim_deletes_it_Then_deleted()
    {
        When(Given(Opened, new CaseClosed(CaseId, T0.AddDays(1))), new DeleteCase(CaseId, T0.AddDays(2))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_deleted_case_When_deleted_again_Then_nothing_happens()
    {
        When(Given(Opened, new CaseDeletedByVictim(CaseId, T0.AddDays(1))), new DeleteCase(CaseId, T0.AddDays(2))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_nothing_When_deleted_Then_refused()
    {
        ThenRefused(Given(), new DeleteCase(CaseId, T0), "no case");
    }
}
