using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_filed_doxing_report_When_72_hours_passed_without_a_decision_Then_target_missed()
    {
        var now = FiledAt.AddHours(72);

        When(Given(Drafted, Filed), new MarkResponseTargetMissed(ReportId, now)).ShouldBe([new ResponseTargetMissed(ReportId, FiledAt.AddHours(72), now)]);
    }

    [Fact]
    public void Given_filed_intimate_images_report_When_48_hours_passed_Then_target_missed()
    {
        var intimate = Drafted with { Category = ReportCategory.IntimateImages };

        When(Given(intimate, Filed), new MarkResponseTargetMissed(ReportId, FiledAt.AddHours(48))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_filed_report_When_target_not_yet_reached_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed), new MarkResponseTargetMissed(ReportId, FiledAt.AddHours(71)), "not passed yet");
    }

    [Fact]
    public void Given_missed_target_When_marked_again_Then_nothing_happens()
    {
        var missed = new ResponseTargetMissed(ReportId, FiledAt.AddHours(72), FiledAt.AddHours(72));

        When(Given(Drafted, Filed, missed), new MarkResponseTargetMissed(ReportId, FiledAt.AddHours(80))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_decided_report_When_target_marked_missed_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new MarkResponseTargetMissed(ReportId, FiledAt.AddDays(5)), "awaiting the platform's decision");
    }
}
