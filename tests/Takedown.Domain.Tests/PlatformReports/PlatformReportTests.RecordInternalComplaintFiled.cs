using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static readonly DateTimeOffset ComplaintFiledAt = new(2025, 6, 6, 9, 5, 0, Summer);

    [Fact]
    public void Given_lodged_complaint_When_the_platform_received_it_Then_recorded_with_its_id()
    {
        When(Given(Drafted, Filed, Refusal, Complaint), new RecordInternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt))
            .ShouldBe([new InternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt)]);
    }

    [Fact]
    public void Given_recorded_complaint_When_recorded_again_with_the_same_id_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, Refusal, Complaint, new InternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt)),
            new RecordInternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt.AddMinutes(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_recorded_complaint_When_recorded_with_another_id_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal, Complaint, new InternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt)),
            new RecordInternalComplaintFiled(ReportId, "CMP-2", ComplaintFiledAt), "another id");
    }

    [Fact]
    public void Given_complaint_decided_before_its_receipt_was_recorded_When_recorded_Then_recorded()
    {
        var removed = new ContentRemoved(ReportId, ComplaintFiledAt.AddSeconds(1));

        When(Given(Drafted, Filed, Refusal, Complaint, removed), new RecordInternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt.AddSeconds(2)))
            .ShouldBe([new InternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt.AddSeconds(2))]);
    }

    [Fact]
    public void Given_refusal_without_complaint_When_a_complaint_receipt_is_recorded_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new RecordInternalComplaintFiled(ReportId, "CMP-1", ComplaintFiledAt), "No internal complaint was lodged");
    }

    [Fact]
    public void Given_lodged_complaint_When_recorded_without_an_id_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal, Complaint), new RecordInternalComplaintFiled(ReportId, "", ComplaintFiledAt), "platform's id");
    }
}
