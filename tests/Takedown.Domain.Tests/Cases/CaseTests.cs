using Takedown.Domain.Cases;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(1));

    private static CaseOpened Opened => new(CaseId, "TD-2025-0001", "nl", EscalationMode.OperatorReview, T0);

    private static Case Given(params object[] events) => events.Aggregate(Case.Initial, Case.Evolve);

    private static object[] When(Case state, object command) => Case.Decide(command, state);

    private static void ThenRefused(Case state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
