using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_filed_report_When_platform_reports_a_status_Then_status_changed()
    {
        var at = FiledAt.AddHours(3);

        When(Given(Drafted, Filed), new RecordPlatformStatus(ReportId, "in review", at)).ShouldBe([new PlatformReportStatusChanged(ReportId, "in review", at)]);
    }

    [Fact]
    public void Given_status_in_review_When_the_same_status_is_reported_Then_nothing_happens()
    {
        var inReview = new PlatformReportStatusChanged(ReportId, "in review", FiledAt.AddHours(3));

        When(Given(Drafted, Filed, inReview), new RecordPlatformStatus(ReportId, "in review", FiledAt.AddHours(4))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_drafted_report_When_a_status_is_reported_Then_refused()
    {
        ThenRefused(Given(Drafted), new RecordPlatformStatus(ReportId, "in review", FiledAt), "not been filed");
    }
}
