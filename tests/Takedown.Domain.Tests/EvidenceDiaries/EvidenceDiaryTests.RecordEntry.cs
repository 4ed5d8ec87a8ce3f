using Takedown.Domain.EvidenceDiaries;

namespace Takedown.Domain.Tests.EvidenceDiaries;

public partial class EvidenceDiaryTests
{
    [Fact]
    public void Given_no_entries_When_entry_recorded_Then_first_entry_links_to_the_genesis_hash()
    {
        var e = When(Given(), Entry(1)).ShouldHaveSingleItem().ShouldBeOfType<DiaryEntryRecorded>();

        e.Sequence.ShouldBe(1);
        e.DiaryId.ShouldBe(DiaryId);
        e.PreviousHash.ShouldBe(EvidenceDiary.GenesisHash);
        e.Hash.ShouldBe(EvidenceDiary.HashOf(e));
        e.Hash.Length.ShouldBe(64);
        e.WhatHappened.ShouldBe("Hij stond bij mijn voordeur.");
        e.Witnesses.ShouldBe(["buurvrouw"]);
        e.RecordedAt.ShouldBe(T0.AddMinutes(1));
    }

    [Fact]
    public void Given_an_entry_When_next_recorded_Then_it_carries_the_previous_hash()
    {
        var events = Diary(Entry(1), Entry(2));

        events[1].Sequence.ShouldBe(2);
        events[1].PreviousHash.ShouldBe(events[0].Hash);
        events[1].Hash.ShouldNotBe(events[0].Hash);
    }

    [Fact]
    public void Given_an_entry_When_the_same_entry_recorded_again_Then_nothing_happens()
    {
        var first = Diary(Entry(1));

        When(Given([.. first]), Entry(1)).ShouldBeEmpty();
    }

    [Fact]
    public void Given_no_entries_When_nothing_described_Then_refused()
    {
        ThenRefused(Given(), Entry(1, what: "  "), "what happened");
    }

    [Fact]
    public void Given_no_entries_When_day_in_the_future_Then_refused()
    {
        ThenRefused(Given(), Entry(1) with { OccurredOn = new DateOnly(2026, 3, 5) }, "future");
    }

    [Fact]
    public void Given_no_entries_When_diary_id_is_not_the_cases_Then_refused()
    {
        ThenRefused(Given(), Entry(1) with { DiaryId = Guid.NewGuid() }, "another case");
    }

    [Fact]
    public void Given_no_entries_When_too_many_attachments_Then_refused()
    {
        var attachments = Enumerable.Range(0, EvidenceDiary.MaxAttachments + 1)
            .Select(i => new DiaryAttachment(Guid.NewGuid(), $"f{i}.jpg", "image/jpeg", 10, "ab")).ToList();

        ThenRefused(Given(), Entry(1, attachments: attachments), "attachments");
    }

    [Fact]
    public void Diary_id_is_derived_from_the_case_id_as_a_version_5_uuid()
    {
        EvidenceDiary.IdFor(CaseId).ShouldBe(EvidenceDiary.IdFor(Guid.Parse(CaseId.ToString())));
        EvidenceDiary.IdFor(CaseId).ShouldNotBe(EvidenceDiary.IdFor(Guid.NewGuid()));
        EvidenceDiary.IdFor(CaseId).Version.ShouldBe(5);
        EvidenceDiary.IdFor(CaseId).Variant.ShouldBeInRange(8, 11);
    }
}
