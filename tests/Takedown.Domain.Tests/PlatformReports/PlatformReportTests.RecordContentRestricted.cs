using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static ContentRestricted Restricted => new(ReportId, "hidden in NL", "Illegal under Dutch law only.", FiledAt.AddHours(20));

    [Fact]
    public void Given_filed_report_When_content_restricted_Then_restricted_with_the_statement_of_reasons()
    {
        When(Given(Drafted, Filed), new RecordContentRestricted(ReportId, Restricted.Restriction, Restricted.StatementOfReasons, Restricted.RestrictedAt))
            .ShouldBe([Restricted]);
    }

    [Fact]
    public void Given_restricted_content_When_restriction_recorded_again_Then_nothing_happens()
    {
        When(Given(Drafted, Filed, Restricted), new RecordContentRestricted(ReportId, "hidden in NL", "", FiledAt.AddHours(21))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_restricted_content_When_later_removed_Then_removed()
    {
        When(Given(Drafted, Filed, Restricted), new RecordContentRemoved(ReportId, FiledAt.AddHours(40))).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_removed_content_When_restricted_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, new ContentRemoved(ReportId, FiledAt.AddHours(1))), new RecordContentRestricted(ReportId, "x", "", FiledAt.AddHours(2)), "already been removed");
    }

    [Fact]
    public void Given_refusal_When_restricted_without_a_complaint_Then_refused()
    {
        ThenRefused(Given(Drafted, Filed, Refusal), new RecordContentRestricted(ReportId, "x", "", FiledAt.AddDays(5)), "internal complaint");
    }

    [Fact]
    public void Given_report_filed_by_email_When_an_operator_records_a_restriction_Then_restricted()
    {
        // The platform answers a notice letter by e-mail; an operator records what it decided.
        When(Given(Drafted, Approved, EmailFiled), new RecordContentRestricted(ReportId, Restricted.Restriction, Restricted.StatementOfReasons, Restricted.RestrictedAt))
            .ShouldBe([Restricted]);
    }

    [Fact]
    public void Given_refusal_of_a_report_filed_by_email_When_the_platform_restricts_after_all_Then_restricted()
    {
        When(Given(Drafted, Approved, EmailFiled, Refusal), new RecordContentRestricted(ReportId, "hidden in NL", "", Refusal.RefusedAt.AddDays(10))).Length.ShouldBe(1);
    }
}
