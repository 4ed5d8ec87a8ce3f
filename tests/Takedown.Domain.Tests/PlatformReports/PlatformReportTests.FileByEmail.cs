using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static readonly Guid LetterId = Guid.Parse("1e77e400-0000-4000-8000-000000000001");

    private static PlatformReportFiledByEmail EmailFiled => new(ReportId, LetterId, "<letter@takedown.example>", FiledAt);

    [Fact]
    public void Given_approved_report_When_its_notice_letter_was_sent_Then_filed_by_email_and_the_response_target_runs_from_sending()
    {
        When(Given(Drafted, Approved), new FilePlatformReportByEmail(ReportId, LetterId, "<letter@takedown.example>", FiledAt)).ShouldBe([EmailFiled]);
        var filed = Given(Drafted, Approved, EmailFiled);
        filed.Status.ShouldBe(PlatformReportStatus.Filed);
        filed.TicketId.ShouldBeNull();
        filed.FiledByEmail.ShouldBeTrue();
        filed.ResponseDeadline(Engine)!.DueAt.ShouldBe(FiledAt.AddHours(72));
    }

    [Fact]
    public void Given_report_filed_by_email_When_the_same_letter_is_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, EmailFiled), new FilePlatformReportByEmail(ReportId, LetterId, "<letter@takedown.example>", FiledAt.AddMinutes(1)))
            .ShouldBeEmpty();
    }

    [Fact]
    public void Given_report_filed_by_email_When_another_letter_is_recorded_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, EmailFiled), new FilePlatformReportByEmail(ReportId, Guid.NewGuid(), "<other@takedown.example>", FiledAt), "another letter");
    }

    [Fact]
    public void Given_drafted_report_not_yet_approved_When_filed_by_email_Then_refused()
    {
        ThenRefused(Given(Drafted), new FilePlatformReportByEmail(ReportId, LetterId, "<letter@takedown.example>", FiledAt), "not been approved yet");
    }

    [Fact]
    public void Given_report_filed_through_the_api_When_filed_by_email_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Filed), new FilePlatformReportByEmail(ReportId, LetterId, "<letter@takedown.example>", FiledAt), "second time");
    }

    [Fact]
    public void Given_approved_report_When_filed_by_email_without_message_id_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved), new FilePlatformReportByEmail(ReportId, LetterId, " ", FiledAt), "Message-ID");
    }

    [Fact]
    public void Given_report_filed_by_email_When_the_platform_decides_Then_the_decision_is_recorded()
    {
        When(Given(Drafted, Approved, EmailFiled), new RecordContentRemoved(ReportId, FiledAt.AddDays(1)))
            .ShouldBe([new ContentRemoved(ReportId, FiledAt.AddDays(1))]);
    }
}
