using Takedown.Domain.ApComplaints;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    [Fact]
    public void Given_lodged_complaint_When_AP_decides_Then_decision_received()
    {
        var at = new DateTimeOffset(2025, 9, 1, 10, 0, 0, Summer);

        When(Given(Prepared, Reviewed, Lodged), new RecordApDecision(ComplaintId, ApDecisionOutcome.Upheld, "Erasure ordered.", at))
            .ShouldBe([new ApDecisionReceived(ComplaintId, ApDecisionOutcome.Upheld, "Erasure ordered.", at)]);
    }

    [Fact]
    public void Given_decided_complaint_When_the_same_decision_recorded_again_Then_nothing_happens()
    {
        var decided = new ApDecisionReceived(ComplaintId, ApDecisionOutcome.Upheld, "", new(2025, 9, 1, 10, 0, 0, Summer));

        When(Given(Prepared, Reviewed, Lodged, decided), new RecordApDecision(ComplaintId, ApDecisionOutcome.Upheld, "", decided.ReceivedAt.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_decided_complaint_When_another_decision_recorded_Then_refused()
    {
        var decided = new ApDecisionReceived(ComplaintId, ApDecisionOutcome.Upheld, "", new(2025, 9, 1, 10, 0, 0, Summer));

        ThenRefused(Given(Prepared, Reviewed, Lodged, decided), new RecordApDecision(ComplaintId, ApDecisionOutcome.Rejected, "", decided.ReceivedAt.AddDays(1)), "already decided");
    }

    [Fact]
    public void Given_complaint_not_lodged_When_AP_decides_Then_refused()
    {
        ThenRefused(Given(Prepared), new RecordApDecision(ComplaintId, ApDecisionOutcome.Upheld, "", T0.AddDays(1)), "not been lodged");
    }
}
