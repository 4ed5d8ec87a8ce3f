using Takedown.Domain.ApComplaints;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;
    private static readonly Guid ComplaintId = Guid.Parse("a9c00000-0000-4000-8000-000000000001");
    private static readonly Guid RequestId = Guid.Parse("5a1c1a44-0000-4000-8000-000000000001");
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);
    private static readonly DateTimeOffset T0 = new(2025, 4, 11, 9, 0, 0, Summer);

    private static readonly object[] RequestHistory =
    [
        new ErasureRequestDrafted(RequestId, CaseId, "People Search B.V.", "privacy@people-search.example", "NL", ["home address"], ["https://people-search.example/p/1"], new(2025, 3, 7, 12, 0, 0, TimeSpan.FromHours(1))),
        new ErasureRequestApproved(RequestId, new(2025, 3, 7, 13, 0, 0, TimeSpan.FromHours(1))),
        new ErasureRequestSent(RequestId, new(2025, 3, 10), new(2025, 3, 10, 9, 0, 0, TimeSpan.FromHours(1))),
        new DeadlineMissed(RequestId, new(2025, 4, 10), new(2025, 4, 11, 0, 0, 0, Summer)),
    ];

    private static ErasureRequest MissedRequest => RequestHistory.Aggregate(ErasureRequest.Initial, ErasureRequest.Evolve);

    private static IReadOnlyList<string> Evidence => ApComplaint.EvidenceFrom(RequestHistory, Engine);

    private static ApComplaintPrepared Prepared => new(ComplaintId, RequestId, CaseId, Evidence, "Klacht over People Search B.V.", T0);

    private static ApComplaint Given(params object[] events) => events.Aggregate(ApComplaint.Initial, ApComplaint.Evolve);

    private static object[] When(ApComplaint state, object command) => ApComplaint.Decide(command, state);

    private static void ThenRefused(ApComplaint state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
