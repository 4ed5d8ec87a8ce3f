using Takedown.Domain.ApComplaints;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static ApComplaintReviewed Reviewed => new(ComplaintId, "operator-7", "Klacht over People Search B.V. (bewerkt)", T0.AddHours(2));

    [Fact]
    public void Given_prepared_complaint_When_operator_approves_with_an_edited_text_Then_reviewed_with_that_text()
    {
        When(Given(Prepared), new ReviewApComplaint(ComplaintId, "operator-7", Reviewed.Text, Reviewed.ReviewedAt)).ShouldBe([Reviewed]);
        Given(Prepared, Reviewed).Text.ShouldBe(Reviewed.Text);
    }

    [Fact]
    public void Given_prepared_complaint_When_operator_approves_unchanged_Then_reviewed_with_the_prepared_text()
    {
        When(Given(Prepared), new ReviewApComplaint(ComplaintId, "operator-7", null, T0.AddHours(2)))
            .ShouldBe([new ApComplaintReviewed(ComplaintId, "operator-7", Prepared.Text, T0.AddHours(2))]);
    }

    [Fact]
    public void Given_reviewed_complaint_When_approved_again_unchanged_Then_nothing_happens()
    {
        When(Given(Prepared, Reviewed), new ReviewApComplaint(ComplaintId, "operator-7", null, T0.AddHours(3))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_prepared_complaint_When_approved_without_operator_Then_refused()
    {
        ThenRefused(Given(Prepared), new ReviewApComplaint(ComplaintId, "", "edited", T0.AddHours(2)), "operator");
    }

    [Fact]
    public void Given_lodged_complaint_When_edited_Then_refused()
    {
        var lodged = new ApComplaintLodged(ComplaintId, "AP-2025-123", T0.AddHours(4));

        ThenRefused(Given(Prepared, Reviewed, lodged), new ReviewApComplaint(ComplaintId, "operator-7", "new text", T0.AddHours(5)), "can no longer change");
    }
}
