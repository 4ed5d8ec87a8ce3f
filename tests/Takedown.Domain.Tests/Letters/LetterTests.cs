using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    private static readonly Guid LetterId = Guid.Parse("1e77e400-0000-4000-8000-000000000001");
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly Guid RequestId = Guid.Parse("e5a50000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));
    private const string Hash = "a3f1";

    private static LetterPrepared Prepared(bool needsApproval = true) =>
        new(LetterId, CaseId, RequestId, "ErasureRequest", "nl", "Voorbeeld B.V.", "privacy@voorbeeld.example", "Verzoek", "tekst", "<p>tekst</p>", Hash, needsApproval, T0);

    private static Letter Given(params object[] events) => events.Aggregate(Letter.Initial, Letter.Evolve);

    private static object[] When(Letter state, object command) => Letter.Decide(command, state);

    private static void ThenRefused(Letter state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
