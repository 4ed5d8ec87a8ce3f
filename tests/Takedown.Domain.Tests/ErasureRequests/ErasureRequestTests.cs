using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

/// <summary>Given events, when a command, then events or a refusal. One file per command.</summary>
public partial class ErasureRequestTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;
    private static readonly Guid RequestId = Guid.Parse("5a1c1a44-0000-4000-8000-000000000001");
    private static readonly Guid CaseId = Guid.Parse("5a1c1a44-0000-4000-8000-0000000000ca");
    private static readonly Guid ComplaintId = Guid.Parse("5a1c1a44-0000-4000-8000-0000000000a9");
    private static readonly IReadOnlyList<string> PersonalData = ["home address", "phone number"];
    private static readonly IReadOnlyList<string> Urls = ["https://people-search.example/p/123"];

    // Received on Monday 10 March 2025: one month ends Thursday 10 April 2025 (Europe/Amsterdam, summer time).
    private static readonly DateOnly ReceivedOn = new(2025, 3, 10);

    private static DateTimeOffset Amsterdam(int month, int day, int hour = 12, int minute = 0)
    {
        var local = new DateTime(2025, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new(local, Engine.Calendars.For("NL").TimeZone.GetUtcOffset(local));
    }

    private static readonly DateTimeOffset T0 = Amsterdam(3, 7);

    private static ErasureRequestDrafted Drafted => new(RequestId, CaseId, "People Search B.V.", "privacy@people-search.example", "NL", PersonalData, Urls, T0, "nl");
    private static ErasureRequestApproved Approved => new(RequestId, T0.AddHours(1));
    private static ErasureRequestSent Sent => new(RequestId, ReceivedOn, Amsterdam(3, 10, 9));

    private static ErasureRequest Given(params object[] events) => events.Aggregate(ErasureRequest.Initial, ErasureRequest.Evolve);

    private static object[] When(ErasureRequest state, object command) => ErasureRequest.Decide(command, state, Engine);

    private static void ThenRefused(ErasureRequest state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
