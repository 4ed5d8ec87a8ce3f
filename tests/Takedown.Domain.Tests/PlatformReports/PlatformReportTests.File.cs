using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Given_complete_notice_When_filed_Then_filed_with_the_ticket_and_the_response_target_runs()
    {
        When(Given(Drafted, Approved), new FilePlatformReport(ReportId, "TICKET-1", FiledAt)).ShouldBe([Filed]);
        Given(Drafted, Approved, Filed).ResponseDeadline(Engine)!.DueAt.ShouldBe(FiledAt.AddHours(72));
    }

    [Fact]
    public void Given_incomplete_notice_When_filed_Then_refused_naming_what_is_missing()
    {
        var incomplete = Drafted with { GoodFaithStatement = false, Urls = [] };

        ThenRefused(Given(incomplete, Approved), new FilePlatformReport(ReportId, "TICKET-1", FiledAt), "ExactUrls, GoodFaithStatement");
    }

    [Fact]
    public void Given_filed_report_When_filed_again_with_the_same_ticket_Then_nothing_happens()
    {
        When(Given(Drafted, Filed), new FilePlatformReport(ReportId, "TICKET-1", FiledAt.AddMinutes(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_filed_report_When_filed_a_second_time_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed), new FilePlatformReport(ReportId, "TICKET-2", FiledAt.AddMinutes(1)), "second time");
    }

    [Fact]
    public void Given_approved_report_When_filed_without_ticket_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved), new FilePlatformReport(ReportId, "", FiledAt), "ticket id");
    }

    [Fact]
    public void Given_drafted_report_not_yet_approved_When_filed_Then_refused()
    {
        ThenRefused(Given(Drafted), new FilePlatformReport(ReportId, "TICKET-1", FiledAt), "not been approved yet");
    }

    [Fact]
    public void Given_report_filed_by_email_When_filed_through_the_api_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, EmailFiled), new FilePlatformReport(ReportId, "TICKET-1", FiledAt.AddHours(1)), "already filed by e-mail");
    }
}
