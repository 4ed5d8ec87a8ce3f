using Takedown.Domain.Deadlines;
using Takedown.Domain.EvidenceDiaries;

namespace Takedown.Domain.Tests.EvidenceDiaries;

public partial class EvidenceDiaryTests
{
    [Fact]
    public void Given_entries_written_out_of_order_Then_the_Sr_art_66_window_counts_from_the_earliest_incident()
    {
        // The victim writes down a recent incident first and an older one afterwards: the three months run from the
        // older one (1 February), the safe side, not from the latest (1 March) nor from the first written.
        var events = Diary(Entry(1) with { OccurredOn = new(2026, 3, 1) }, Entry(2) with { OccurredOn = new(2026, 2, 1) },
            Entry(3) with { OccurredOn = new(2026, 2, 20) });

        var window = EvidenceDiary.StalkingComplaintWindow(events, DeadlineEngine.Default);

        window.ShouldNotBeNull();
        window.Kind.ShouldBe(DeadlineKinds.StalkingComplaint);
        window.DueDate.ShouldBe(new DateOnly(2026, 5, 1));
        window.Explanation.Nl.ShouldContain("verzoek tot vervolging (art. 164 Sv)");
    }

    [Fact]
    public void Given_an_empty_diary_Then_no_complaint_window_is_shown()
    {
        EvidenceDiary.StalkingComplaintWindow([], DeadlineEngine.Default).ShouldBeNull();
    }
}
