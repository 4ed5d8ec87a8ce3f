using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;
    private static readonly Guid ReportId = Guid.Parse("9e9047a0-0000-4000-8000-000000000001");
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly IReadOnlyList<string> Urls = ["https://forum.example/t/42#post-7", "https://forum.example/t/42#post-9"];
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 9, 0, 0, Summer);
    private static readonly DateTimeOffset FiledAt = new(2025, 6, 2, 10, 0, 0, Summer);

    private static PlatformReportDrafted Drafted => new(
        ReportId, CaseId, "ExampleForum", Urls, ReportCategory.Doxing,
        "The posts publish my home address and phone number to intimidate me (Sr art. 285d).",
        "J. Jansen", "j.jansen@mail.example", true, T0);

    private const string NoticeSha = "5d41402abc4b2a76b9719d911017c592aa1a1e4ae5c1b5d9c0e1f2a3b4c5d6e7";

    private static PlatformReportApproved Approved => new(ReportId, "victim:7", NoticeSha, T0.AddMinutes(30));

    private static PlatformReportFiled Filed => new(ReportId, "TICKET-1", FiledAt);

    private static ContentRemovalRefused Refusal => new(ReportId, "Not against our terms.", new(2025, 6, 5, 12, 0, 0, Summer));

    private static PlatformReport Given(params object[] events) => events.Aggregate(PlatformReport.Initial, PlatformReport.Evolve);

    private static object[] When(PlatformReport state, object command) => PlatformReport.Decide(command, state, Engine);

    private static void ThenRefused(PlatformReport state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
