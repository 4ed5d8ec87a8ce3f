using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static InternalComplaintLodged Complaint => new(ReportId, "It is my address.", new(2025, 6, 6, 9, 0, 0, Summer));

    [Fact]
    public void Given_refusal_When_internal_complaint_lodged_Then_lodged()
    {
        When(Given(Drafted, Filed, Refusal), new LodgeInternalComplaint(ReportId, Complaint.Grounds, Complaint.LodgedAt)).ShouldBe([Complaint]);
    }

    [Fact]
    public void Given_refusal_When_complaint_lodged_on_the_last_day_of_the_six_months_Then_lodged()
    {
        When(Given(Drafted, Filed, Refusal), new LodgeInternalComplaint(ReportId, "grounds", new(2025, 12, 5, 23, 59, 0, TimeSpan.FromHours(1)))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_refusal_When_complaint_lodged_after_six_months_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new LodgeInternalComplaint(ReportId, "grounds", new(2025, 12, 6, 0, 0, 0, TimeSpan.FromHours(1))), "2025-12-05");
    }

    [Fact]
    public void Given_filed_report_without_a_decision_When_complaint_lodged_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed), new LodgeInternalComplaint(ReportId, "grounds", FiledAt.AddDays(1)), "only be lodged after the platform refused");
    }

    [Fact]
    public void Given_refusal_When_complaint_lodged_without_grounds_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new LodgeInternalComplaint(ReportId, "", Complaint.LodgedAt), "grounds");
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_again_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, Refusal, Complaint), new LodgeInternalComplaint(ReportId, Complaint.Grounds, Complaint.LodgedAt.AddHours(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_complaint_refused_When_a_second_complaint_lodged_Then_refused_pointing_to_the_next_step()
    {
        var refusedAgain = new ContentRemovalRefused(ReportId, "Upheld.", new(2025, 6, 20, 9, 0, 0, Summer));

        ThenRefused(Given(Drafted, Filed, Refusal, Complaint, refusedAgain), new LodgeInternalComplaint(ReportId, "again", new(2025, 6, 21, 9, 0, 0, Summer)), "DSA Art. 21");
    }
}
