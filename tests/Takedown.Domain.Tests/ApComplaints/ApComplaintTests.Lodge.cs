using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static ApComplaintLodged Lodged => new(ComplaintId, "AP-2025-123", new(2025, 4, 14, 10, 0, 0, Summer));

    [Fact]
    public void Given_reviewed_complaint_When_lodged_Then_lodged_and_the_AP_has_three_months_to_report_progress()
    {
        When(Given(Prepared, Reviewed), new LodgeApComplaint(ComplaintId, Lodged.ApReference, EscalationMode.OperatorReview, Lodged.LodgedAt)).ShouldBe([Lodged]);
        Given(Prepared, Reviewed, Lodged).ProgressDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 7, 14));
    }

    [Fact]
    public void Given_prepared_complaint_in_automatic_mode_When_lodged_Then_lodged_without_review()
    {
        When(Given(Prepared), new LodgeApComplaint(ComplaintId, Lodged.ApReference, EscalationMode.Automatic, Lodged.LodgedAt)).ShouldBe([Lodged]);
    }

    [Fact]
    public void Given_prepared_complaint_under_operator_review_When_lodged_Then_refused()
    {
        ThenRefused(Given(Prepared), new LodgeApComplaint(ComplaintId, "AP-2025-123", EscalationMode.OperatorReview, Lodged.LodgedAt), "operator's review");
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_again_with_the_same_reference_Then_nothing_happens()
    {
        When(Given(Prepared, Reviewed, Lodged), new LodgeApComplaint(ComplaintId, Lodged.ApReference, EscalationMode.OperatorReview, Lodged.LodgedAt.AddHours(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_a_second_time_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Lodged), new LodgeApComplaint(ComplaintId, "AP-2025-999", EscalationMode.OperatorReview, Lodged.LodgedAt.AddHours(1)), "already been lodged");
    }

    [Fact]
    public void Given_reviewed_complaint_When_lodged_without_reference_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed), new LodgeApComplaint(ComplaintId, "", EscalationMode.OperatorReview, Lodged.LodgedAt), "reference number");
    }
}
