using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    [Fact]
    public void Given_open_case_When_victim_details_recorded_Then_recorded()
    {
        var at = T0.AddMinutes(5);

        When(Given(Opened), new RecordVictimDetails(CaseId, "A. Jansen", "a.jansen@example.nl", at))
            .ShouldBe([new VictimDetailsRecorded(CaseId, "A. Jansen", "a.jansen@example.nl", at)]);
        Given(Opened, new VictimDetailsRecorded(CaseId, "A. Jansen", "a.jansen@example.nl", at)).VictimName.ShouldBe("A. Jansen");
    }

    [Fact]
    public void Given_recorded_details_When_the_same_details_recorded_Then_nothing_happens()
    {
        var state = Given(Opened, new VictimDetailsRecorded(CaseId, "A. Jansen", "a.jansen@example.nl", T0));

        When(state, new RecordVictimDetails(CaseId, "A. Jansen", "a.jansen@example.nl", T0.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_open_case_When_details_without_email_recorded_Then_refused()
    {
        ThenRefused(Given(Opened), new RecordVictimDetails(CaseId, "A. Jansen", " ", T0), "both needed");
    }

    [Fact]
    public void Given_deleted_case_Then_victim_details_are_forgotten_and_cannot_be_recorded()
    {
        var state = Given(Opened, new VictimDetailsRecorded(CaseId, "A. Jansen", "a.jansen@example.nl", T0), new CaseDeletedByVictim(CaseId, T0.AddDays(1)));

        state.VictimName.ShouldBeNull();
        ThenRefused(state, new RecordVictimDetails(CaseId, "A. Jansen", "a.jansen@example.nl", T0.AddDays(2)), "deleted");
    }
}
