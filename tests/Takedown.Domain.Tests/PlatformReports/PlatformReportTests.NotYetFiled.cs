using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

/// <summary>
/// What a platform can only do with a report it received: nothing of it is accepted while the report is drafted or
/// approved but not yet filed (the platform cannot know of it).
/// </summary>
public partial class PlatformReportTests
{
    public static TheoryData<string> NotYetFiled => ["drafted", "approved"];

    private static PlatformReport NotFiled(string stage) => stage == "drafted" ? Given(Drafted) : Given(Drafted, Approved);

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_the_platform_acknowledges_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new AcknowledgePlatformReport(ReportId, T0.AddHours(1)), "not been filed yet");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_a_status_is_reported_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new RecordPlatformStatus(ReportId, "received", T0.AddHours(1)), "not been filed yet");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_a_removal_is_recorded_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new RecordContentRemoved(ReportId, T0.AddHours(1)), "not been filed yet");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_a_restriction_is_recorded_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new RecordContentRestricted(ReportId, "hidden", "reasons", T0.AddHours(1)), "not been filed yet");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_a_refusal_is_recorded_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new RecordContentRemovalRefused(ReportId, "reasons", T0.AddHours(1)), "not been filed yet");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_the_response_target_is_marked_missed_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new MarkResponseTargetMissed(ReportId, T0.AddDays(30)), "Only a filed report");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_an_internal_complaint_is_lodged_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new LodgeInternalComplaint(ReportId, "grounds", T0.AddHours(1)), "only be lodged after the platform refused");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_a_complaint_receipt_is_recorded_Then_refused(string stage)
    {
        ThenRefused(NotFiled(stage), new RecordInternalComplaintFiled(ReportId, "CMP-1", T0.AddHours(1)), "No internal complaint was lodged");
    }

    [Theory]
    [MemberData(nameof(NotYetFiled))]
    public void Given_report_not_yet_filed_When_withdrawn_Then_closed(string stage)
    {
        // A victim may still withdraw a notice that has not gone out.
        When(NotFiled(stage), new ClosePlatformReport(ReportId, T0.AddHours(1))).ShouldBe([new PlatformReportClosed(ReportId, T0.AddHours(1))]);
    }
}
