using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static DraftPlatformReport Draft => new(
        ReportId, CaseId, "ExampleForum", Urls, ReportCategory.Doxing, Drafted.Explanation, "J. Jansen", "j.jansen@mail.example", true, T0);

    [Fact]
    public void Given_nothing_When_drafted_Then_drafted_for_the_case()
    {
        When(Given(), Draft).ShouldBe([Drafted]);
        Given(Drafted).MissingNoticeElements().ShouldBeEmpty();
    }

    [Fact]
    public void Given_nothing_When_an_incomplete_notice_is_drafted_Then_drafted_and_the_gaps_are_known()
    {
        var events = When(Given(), Draft with { GoodFaithStatement = false, Explanation = "" });

        Given(events).MissingNoticeElements().ShouldBe([NoticeElement.Explanation, NoticeElement.GoodFaithStatement]);
    }

    [Fact]
    public void Given_drafted_report_When_drafted_again_Then_nothing_happens()
    {
        When(Given(Drafted), Draft).ShouldBeEmpty();
    }

    [Fact]
    public void Given_drafted_report_When_another_report_drafted_on_its_stream_Then_refused()
    {
        ThenRefused(Given(Drafted), Draft with { ReportId = Guid.NewGuid() }, "already been drafted");
    }

    [Fact]
    public void Given_nothing_When_drafted_without_platform_Then_refused()
    {
        ThenRefused(Given(), Draft with { Platform = "" }, "platform");
    }

    [Fact]
    public void Given_nothing_When_anything_but_a_draft_Then_refused()
    {
        ThenRefused(Given(), new FilePlatformReport(ReportId, "T", FiledAt), "draft it first");
    }
}
