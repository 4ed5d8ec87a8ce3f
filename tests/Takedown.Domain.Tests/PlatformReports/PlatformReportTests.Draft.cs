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
    public void Given_nothing_When_drafted_without_a_notifier_choice_Then_the_victim_is_the_notifier()
    {
        Given(When(Given(), Draft)).Notifier.ShouldBe(NotifierKind.Victim);
    }

    [Fact]
    public void Given_nothing_When_drafted_with_the_service_as_notifier_Then_the_service_is_the_notifier()
    {
        var events = When(Given(), Draft with
        {
            NotifierName = "Takedown", NotifierEmail = "replies+abc.def@takedown.example", Notifier = NotifierKind.Service,
        });

        events.ShouldBe([Drafted with
        {
            NotifierName = "Takedown", NotifierEmail = "replies+abc.def@takedown.example", Notifier = NotifierKind.Service,
        }]);
        var report = Given(events);
        report.Notifier.ShouldBe(NotifierKind.Service);
        report.NotifierName.ShouldBe("Takedown");
        report.MissingNoticeElements().ShouldBeEmpty();
    }

    [Fact]
    public void Given_nothing_When_drafted_with_an_undefined_notifier_Then_refused()
    {
        ThenRefused(Given(), Draft with { Notifier = (NotifierKind)7 }, "victim or the service");
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
