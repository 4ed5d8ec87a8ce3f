using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_removed_content_When_closed_Then_closed()
    {
        var at = FiledAt.AddDays(2);

        When(Given(Drafted, Filed, new ContentRemoved(ReportId, FiledAt.AddHours(1))), new ClosePlatformReport(ReportId, at)).ShouldBe([new PlatformReportClosed(ReportId, at)]);
    }

    [Fact]
    public void Given_closed_report_When_closed_again_Then_nothing_happens()
    {
        When(Given(Drafted, new PlatformReportClosed(ReportId, T0.AddHours(1))), new ClosePlatformReport(ReportId, T0.AddHours(2))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_nothing_When_closed_Then_refused()
    {
        ThenRefused(Given(), new ClosePlatformReport(ReportId, T0), "draft it first");
    }
}
