using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_open_case_When_a_request_is_opened_on_it_Then_accepted()
    {
        Should.NotThrow(() => Given(Opened).EnsureAcceptsNewRequests());
    }

    [Fact]
    public void Given_closed_case_When_a_request_is_opened_on_it_Then_refused()
    {
        Should.Throw<DomainRuleViolated>(() => Given(Opened, new CaseClosed(CaseId, T0.AddDays(1))).EnsureAcceptsNewRequests())
            .Message.ShouldBe("The case is closed, so you cannot open a new request on it.");
    }

    [Fact]
    public void Given_deleted_case_When_a_request_is_opened_on_it_Then_refused()
    {
        Should.Throw<DomainRuleViolated>(() => Given(Opened, new CaseDeletedByVictim(CaseId, T0.AddDays(1))).EnsureAcceptsNewRequests())
            .Message.ShouldContain("deleted");
    }
}
