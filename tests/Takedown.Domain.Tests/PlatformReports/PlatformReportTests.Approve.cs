using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static ApprovePlatformReport Approval(string shown = NoticeSha, bool warned = true) =>
        new(ReportId, "victim:7", shown, NoticeSha, warned, T0.AddMinutes(30));

    [Fact]
    public void Given_drafted_report_When_the_notice_shown_is_approved_after_the_publication_warning_Then_approved()
    {
        When(Given(Drafted), Approval()).ShouldBe([Approved]);
        Given(Drafted, Approved).Status.ShouldBe(PlatformReportStatus.Approved);
        Given(Drafted, Approved).ApprovedNoticeSha256.ShouldBe(NoticeSha);
    }

    [Fact]
    public void Given_drafted_report_When_approved_in_upper_case_hex_Then_the_hash_is_kept_in_lower_case()
    {
        When(Given(Drafted), Approval(NoticeSha.ToUpperInvariant())).ShouldBe([Approved]);
    }

    [Fact]
    public void Given_drafted_report_When_approved_without_the_publication_warning_Then_refused()
    {
        ThenRefused(Given(Drafted), Approval(warned: false), "Lumen");
    }

    [Fact]
    public void Given_drafted_report_When_another_text_than_the_current_one_is_approved_Then_refused()
    {
        ThenRefused(Given(Drafted), Approval(shown: new string('0', 64)), "not the one shown");
    }

    [Fact]
    public void Given_incomplete_notice_When_approved_Then_refused_naming_what_is_missing()
    {
        ThenRefused(Given(Drafted with { Explanation = " " }), Approval(), "Explanation");
    }

    [Fact]
    public void Given_approved_report_When_approved_again_Then_nothing_happens()
    {
        When(Given(Drafted, Approved), Approval()).ShouldBeEmpty();
    }

    [Fact]
    public void Given_filed_report_When_approved_Then_nothing_happens()
    {
        When(Given(Drafted, Approved, Filed), Approval()).ShouldBeEmpty();
    }

    [Fact]
    public void Given_closed_draft_When_approved_Then_refused()
    {
        ThenRefused(Given(Drafted, new PlatformReportClosed(ReportId, T0.AddMinutes(5))), Approval(), "closed");
    }

    [Fact]
    public void Given_nothing_When_approved_Then_refused()
    {
        ThenRefused(Given(), Approval(), "draft it first");
    }
}
