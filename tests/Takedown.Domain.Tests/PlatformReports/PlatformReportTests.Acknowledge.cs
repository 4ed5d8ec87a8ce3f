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
}
