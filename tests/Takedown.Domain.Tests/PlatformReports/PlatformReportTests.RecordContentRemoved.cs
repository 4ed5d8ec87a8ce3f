using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_filed_report_When_content_removed_Then_removed_and_the_response_time_is_known()
    {
        var at = FiledAt.AddHours(30);

        When(Given(Drafted, Filed), new RecordContentRemoved(ReportId, at)).ShouldBe([new ContentRemoved(ReportId, at)]);
        var state = Given(Drafted, Filed, new ContentRemoved(ReportId, at));
        state.Status.ShouldBe(PlatformReportStatus.Removed);
        state.ResponseTime.ShouldBe(TimeSpan.FromHours(30));
    }

    [Fact]
    public void Given_removed_content_When_removal_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, new ContentRemoved(ReportId, FiledAt.AddHours(30))), new RecordContentRemoved(ReportId, FiledAt.AddHours(31))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_internal_complaint_When_content_removed_Then_removed_and_the_first_response_time_is_kept()
    {
        var complaint = new InternalComplaintLodged(ReportId, "It is my address.", new(2025, 6, 6, 9, 0, 0, Summer));
        var removed = new ContentRemoved(ReportId, new(2025, 6, 9, 9, 0, 0, Summer));

        When(Given(Drafted, Filed, Refusal, complaint), new RecordContentRemoved(ReportId, removed.RemovedAt)).ShouldBe([removed]);
        Given(Drafted, Filed, Refusal, complaint, removed).ResponseTime.ShouldBe(Refusal.RefusedAt - FiledAt);
    }

    [Fact]
    public void Given_refusal_When_content_removed_without_a_complaint_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new RecordContentRemoved(ReportId, FiledAt.AddDays(5)), "internal complaint");
    }

    [Fact]
    public void Given_drafted_report_When_content_removed_Then_refused()
    {
        ThenRefused(Given(Drafted), new RecordContentRemoved(ReportId, FiledAt), "not been filed");
    }

    [Fact]
    public void Given_refusal_of_a_report_filed_by_email_When_the_platform_removes_after_all_Then_removed()
    {
        // Such a platform takes the victim's internal complaint in its own system, so no complaint is lodged here first.
        When(Given(Drafted, Approved, EmailFiled, Refusal), new RecordContentRemoved(ReportId, Refusal.RefusedAt.AddDays(10)))
            .ShouldBe([new ContentRemoved(ReportId, Refusal.RefusedAt.AddDays(10))]);
    }

    [Fact]
    public void Given_refusal_of_a_report_filed_through_the_api_When_removed_without_a_complaint_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Filed, Refusal), new RecordContentRemoved(ReportId, Refusal.RefusedAt.AddDays(10)), "lodge that first");
    }
}
