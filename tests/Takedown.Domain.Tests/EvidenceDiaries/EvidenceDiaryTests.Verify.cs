using Takedown.Domain.EvidenceDiaries;

namespace Takedown.Domain.Tests.EvidenceDiaries;

public partial class EvidenceDiaryTests
{
    private static readonly DiaryAttachment Photo = new(Guid.Parse("a0000000-0000-4000-8000-000000000001"), "foto.jpg", "image/jpeg", 2048,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

    [Fact]
    public void Recorded_chain_verifies()
    {
        var events = Diary(Entry(1), Entry(2, attachments: [Photo]), Entry(3));

        var result = EvidenceDiary.Verify(events);

        result.IsIntact.ShouldBeTrue();
        result.EntryCount.ShouldBe(3);
        result.FirstBrokenSequence.ShouldBeNull();
    }

    [Fact]
    public void Changed_text_is_detected_at_its_entry()
    {
        var events = Diary(Entry(1), Entry(2), Entry(3));
        events[1] = events[1] with { WhatHappened = "Er gebeurde niets." };

        var result = EvidenceDiary.Verify(events);

        result.IsIntact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(2);
        result.Reason!.ShouldContain("changed");
    }

    [Fact]
    public void Changed_attachment_hash_is_detected()
    {
        var events = Diary(Entry(1, attachments: [Photo]));
        events[0] = events[0] with { Attachments = [Photo with { Sha256 = new string('0', 64) }] };

        EvidenceDiary.Verify(events).FirstBrokenSequence.ShouldBe(1);
    }

    [Fact]
    public void Rehashed_changed_entry_breaks_the_link_of_the_next()
    {
        var events = Diary(Entry(1), Entry(2));
        var forged = events[0] with { Place = "Elders" };
        events[0] = forged with { Hash = EvidenceDiary.HashOf(forged) };

        var result = EvidenceDiary.Verify(events);

        result.FirstBrokenSequence.ShouldBe(2);
        result.Reason!.ShouldContain("does not link");
    }

    [Fact]
    public void Removed_entry_is_detected()
    {
        var events = Diary(Entry(1), Entry(2), Entry(3));
        events.RemoveAt(1);

        EvidenceDiary.Verify(events).FirstBrokenSequence.ShouldBe(2);
    }
}
