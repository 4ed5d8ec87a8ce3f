using Takedown.Domain.EvidenceDiaries;

namespace Takedown.Domain.Tests.EvidenceDiaries;

public partial class EvidenceDiaryTests
{
    private static readonly Guid CaseId = Guid.Parse("ca5e0000-0000-4000-8000-000000000001");
    private static readonly Guid DiaryId = EvidenceDiary.IdFor(CaseId);
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));

    private static RecordDiaryEntry Entry(int n, string what = "Hij stond bij mijn voordeur.", IReadOnlyList<DiaryAttachment>? attachments = null) => new(
        DiaryId, CaseId, Guid.Parse($"e0000000-0000-4000-8000-{n:D12}"), new DateOnly(2026, 3, 1), new TimeOnly(21, 30), "Thuis, voordeur", "10 minuten",
        what, ["buurvrouw"], attachments ?? [], T0.AddMinutes(n));

    private static EvidenceDiary Given(params object[] events) => events.Aggregate(EvidenceDiary.Initial, EvidenceDiary.Evolve);

    private static object[] When(EvidenceDiary state, object command) => EvidenceDiary.Decide(command, state);

    /// <summary>Records the commands one after the other, as the handler would, and returns every event.</summary>
    private static List<DiaryEntryRecorded> Diary(params RecordDiaryEntry[] commands)
    {
        var state = EvidenceDiary.Initial;
        var events = new List<DiaryEntryRecorded>();
        foreach (var command in commands)
        {
            var decided = When(state, command);
            events.AddRange(decided.Cast<DiaryEntryRecorded>());
            state = decided.Aggregate(state, EvidenceDiary.Evolve);
        }
        return events;
    }

    private static void ThenRefused(EvidenceDiary state, object command, string because) =>
        Should.Throw<DomainRuleViolated>(() => When(state, command)).Message.ShouldContain(because);
}
