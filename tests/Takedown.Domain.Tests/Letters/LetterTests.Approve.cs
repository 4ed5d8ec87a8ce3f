using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    [Fact]
    public void Given_prepared_When_approved_with_the_shown_hash_Then_approved()
    {
        When(Given(Prepared()), new ApproveLetter(LetterId, "victim", Hash, T0.AddMinutes(3)))
            .ShouldBe([new LetterApproved(LetterId, "victim", T0.AddMinutes(3))]);
    }

    [Fact]
    public void Given_prepared_When_approved_with_another_hash_Then_refused()
    {
        ThenRefused(Given(Prepared()), new ApproveLetter(LetterId, "victim", "other", T0), "not the one shown");
        Should.Throw<DomainRuleViolated>(() => When(Given(Prepared()), new ApproveLetter(LetterId, "victim", "other", T0))).Code.ShouldBe(DomainRuleViolated.TextChanged);
    }

    [Fact]
    public void Given_approved_When_approved_again_Then_nothing_happens()
    {
        When(Given(Prepared(), new LetterApproved(LetterId, "victim", T0)), new ApproveLetter(LetterId, "victim", Hash, T0)).ShouldBeEmpty();
    }

    [Fact]
    public void Given_failed_When_approved_Then_refused()
    {
        ThenRefused(Given(Prepared(), new LetterSendFailed(LetterId, "550", "no such user", T0)), new ApproveLetter(LetterId, "victim", Hash, T0), "failed");
    }
}
