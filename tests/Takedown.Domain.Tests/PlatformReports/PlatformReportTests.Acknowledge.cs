using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_filed_report_When_platform_acknowledges_Then_acknowledged()
    {
        When(Given(Drafted, Filed), new AcknowledgePlatformReport(ReportId, FiledAt.AddMinutes(5)))
            .ShouldBe([new PlatformReportAcknowledged(ReportId, FiledAt.AddMinutes(5))]);
    }

    [Fact]
    public void Given_acknowledged_report_When_acknowledged_again_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, new PlatformReportAcknowledged(ReportId, FiledAt.AddMinutes(5))), new AcknowledgePlatformReport(ReportId, FiledAt.AddMinutes(6)))
            .ShouldBeEmpty();
    }

    [Fact]
    public void Given_closed_report_When_acknowledged_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, new PlatformReportClosed(ReportId, FiledAt.AddDays(1))), new AcknowledgePlatformReport(ReportId, FiledAt.AddDays(2)), "closed");
    }

    [Fact]
    public void Given_report_filed_by_email_When_the_platform_confirms_receipt_Then_acknowledged_on_that_day()
    {
        var at = FiledAt.AddHours(3);

        When(Given(Drafted, Approved, EmailFiled), new AcknowledgePlatformReport(ReportId, at)).ShouldBe([new PlatformReportAcknowledged(ReportId, at)]);
        Given(Drafted, Approved, EmailFiled, new PlatformReportAcknowledged(ReportId, at)).AcknowledgedAt.ShouldBe(at);
    }

    [Fact]
    public void Given_acknowledged_report_When_a_decision_follows_Then_the_acknowledgement_keeps_its_time_and_the_decision_is_recorded()
    {
        var acknowledged = new PlatformReportAcknowledged(ReportId, FiledAt.AddHours(3));

        var state = Given(Drafted, Approved, EmailFiled, acknowledged, new ContentRemoved(ReportId, FiledAt.AddDays(1)));

        state.AcknowledgedAt.ShouldBe(acknowledged.AcknowledgedAt);
        state.Status.ShouldBe(PlatformReportStatus.Removed);
    }
}
