using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_filed_report_When_platform_refuses_Then_refused_and_the_internal_complaint_window_opens()
    {
        When(Given(Drafted, Filed), new RecordContentRemovalRefused(ReportId, Refusal.StatementOfReasons, Refusal.RefusedAt)).ShouldBe([Refusal]);
        Given(Drafted, Filed, Refusal).InternalComplaintWindow(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 12, 5));
    }

    [Fact]
    public void Given_refusal_When_refusal_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, Refusal), new RecordContentRemovalRefused(ReportId, "", Refusal.RefusedAt.AddHours(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_internal_complaint_When_platform_refuses_again_Then_refused_once_more()
    {
        var complaint = new InternalComplaintLodged(ReportId, "It is my address.", new(2025, 6, 6, 9, 0, 0, Summer));

        When(Given(Drafted, Filed, Refusal, complaint), new RecordContentRemovalRefused(ReportId, "Upheld.", new(2025, 6, 20, 9, 0, 0, Summer))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_removed_content_When_platform_refuses_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, new ContentRemoved(ReportId, FiledAt.AddHours(1))), new RecordContentRemovalRefused(ReportId, "", FiledAt.AddHours(2)), "already been removed");
    }

    [Fact]
    public void Given_restricted_content_When_platform_refuses_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Restricted), new RecordContentRemovalRefused(ReportId, "", FiledAt.AddHours(30)), "restrict");
    }

    [Fact]
    public void Given_report_filed_by_email_When_a_refusal_is_recorded_Then_refused_and_the_internal_complaint_window_opens()
    {
        When(Given(Drafted, Approved, EmailFiled), new RecordContentRemovalRefused(ReportId, Refusal.StatementOfReasons, Refusal.RefusedAt)).ShouldBe([Refusal]);
        var refused = Given(Drafted, Approved, EmailFiled, Refusal);
        refused.Status.ShouldBe(PlatformReportStatus.Refused);
        refused.ResponseTime.ShouldBe(Refusal.RefusedAt - FiledAt);
        refused.InternalComplaintWindow(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 12, 5));
    }

    [Fact]
    public void Given_report_filed_by_email_and_refused_When_the_refusal_is_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, EmailFiled, Refusal), new RecordContentRemovalRefused(ReportId, "Once more.", Refusal.RefusedAt.AddDays(1))).ShouldBeEmpty();
    }
}
