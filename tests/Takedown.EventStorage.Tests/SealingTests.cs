using Takedown.Application.EventStorage;
using Takedown.Application.Sealing;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.EvidenceDiaries;

namespace Takedown.EventStorage.Tests;

/// <summary>Crypto-shredding on Marten: personal data reaches the database sealed, and a destroyed key erases it.</summary>
public sealed class SealingTests(MartenFixture fixture) : IClassFixture<MartenFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private DiaryEntryRecorded[] Entry(Guid caseId, EvidenceDiary diary, string whatHappened) =>
        [.. EvidenceDiary.Decide(new RecordDiaryEntry(
            EvidenceDiary.IdFor(caseId), caseId, Guid.CreateVersion7(), new DateOnly(2026, 3, 1), null, "Keizersgracht 123",
            "two hours", whatHappened, ["Jan de Vries"], [new DiaryAttachment(Guid.CreateVersion7(), "foto-deur.jpg", "image/jpeg", 10, "ab")], Now),
            diary).Cast<DiaryEntryRecorded>()];

    [Fact]
    public async Task Stored_events_hold_no_plaintext_personal_data_and_read_back_whole()
    {
        var caseId = Guid.CreateVersion7();
        var diaryId = EvidenceDiary.IdFor(caseId);
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Events.StartStream(caseId, new VictimDetailsRecorded(caseId, "Sanne Jansen", "sanne@example.nl", Now));
            session.Events.StartStream(diaryId, Entry(caseId, EvidenceDiary.Initial, "He stood at my door at night."));
            await session.SaveChangesAsync();
        }

        var stored = string.Join("\n", (await fixture.RawEventsAsync(caseId)).Concat(await fixture.RawEventsAsync(diaryId)).Select(e => e.Data));
        foreach (var secret in new[] { "Sanne", "sanne@example.nl", "Keizersgracht", "two hours", "stood at my door", "Jan de Vries", "foto-deur" })
        {
            stored.ShouldNotContain(secret);
        }
        stored.ShouldContain("\"$enc\"");
        stored.ShouldContain(caseId.ToString());

        await using var query = fixture.Store.QuerySession();
        var victim = (VictimDetailsRecorded)(await query.Events.FetchStreamAsync(caseId))[0].Data;
        victim.Name.ShouldBe("Sanne Jansen");
        victim.Email.ShouldBe("sanne@example.nl");
        var entry = (DiaryEntryRecorded)(await query.Events.FetchStreamAsync(diaryId))[0].Data;
        entry.WhatHappened.ShouldBe("He stood at my door at night.");
        entry.Witnesses.ShouldBe(["Jan de Vries"]);
        entry.Attachments.Single().FileName.ShouldBe("foto-deur.jpg");
    }

    [Fact]
    public async Task After_the_case_key_is_destroyed_its_events_read_as_erased_and_another_case_still_reads()
    {
        var erased = Guid.CreateVersion7();
        var kept = Guid.CreateVersion7();
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Events.StartStream(EvidenceDiary.IdFor(erased), Entry(erased, EvidenceDiary.Initial, "erased text"));
            session.Events.StartStream(EvidenceDiary.IdFor(kept), Entry(kept, EvidenceDiary.Initial, "kept text"));
            await session.SaveChangesAsync();
        }
        await using (var connection = await fixture.DataSource.OpenConnectionAsync())
        {
            await fixture.Protection.DestroyKeyAsync(connection, null, "takedown", erased, Now);
        }

        await using var query = fixture.Store.QuerySession();
        var gone = (DiaryEntryRecorded)(await query.Events.FetchStreamAsync(EvidenceDiary.IdFor(erased)))[0].Data;
        gone.WhatHappened.ShouldBe(PersonalDataProtection.Erased);
        gone.Witnesses.ShouldBeEmpty();
        gone.Attachments.ShouldBeEmpty();
        gone.Hash.ShouldNotBeEmpty("what is not personal data stays");
        var still = (DiaryEntryRecorded)(await query.Events.FetchStreamAsync(EvidenceDiary.IdFor(kept)))[0].Data;
        still.WhatHappened.ShouldBe("kept text");

        // A later append to the erased case stores nothing readable, not the plaintext.
        var diary = await query.Events.AggregateStreamAsync<EvidenceDiary>(EvidenceDiary.IdFor(erased));
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Events.Append(EvidenceDiary.IdFor(erased), Entry(erased, diary!, "written after erasure"));
            await session.SaveChangesAsync();
        }
        string.Join("\n", (await fixture.RawEventsAsync(EvidenceDiary.IdFor(erased))).Select(e => e.Data)).ShouldNotContain("written after erasure");
    }

    [Fact]
    public async Task A_later_event_without_a_case_of_its_own_is_sealed_for_its_stream_s_case()
    {
        // ApComplaintReviewed names only its complaint: its text is sealed under the case the stream's first event named,
        // found in the database by a session that never saw that first event.
        var caseId = Guid.CreateVersion7();
        var complaintId = Guid.CreateVersion7();
        await using (var first = fixture.Store.LightweightSession())
        {
            first.Events.StartStream(complaintId, new ApComplaintPrepared(complaintId, Guid.CreateVersion7(), caseId, ["screenshot"], "draft text", Now));
            await first.SaveChangesAsync();
        }
        var freshProtection = new PersonalDataProtection(
            MartenFixture.MasterKey, PersonalDataProtection.IsMarked<PersonalDataAttribute>, PersonalDataProtection.SubjectFromProperty("CaseId"));
        var freshSealing = new EventSealing(freshProtection, fixture.DataSource, "takedown", DomainEvents.All.Values, fixture.Time);
        using var otherProcess = Marten.DocumentStore.For(options =>
        {
            options.Connection(fixture.DataSource);
            MartenSetup.Configure(options, MartenFixture.Schema, freshSealing);
        });
        await using (var second = otherProcess.LightweightSession())
        {
            second.Events.Append(complaintId, new ApComplaintReviewed(complaintId, "operator:ann", "reviewed text about Sanne", Now));
            await second.SaveChangesAsync();
        }

        var stored = await fixture.RawEventsAsync(complaintId);
        stored[1].Data.ShouldNotContain("Sanne");
        stored[1].Data.ShouldContain(caseId.ToString());
        await using var query = fixture.Store.QuerySession();
        ((ApComplaintReviewed)(await query.Events.FetchStreamAsync(complaintId))[1].Data).Text.ShouldBe("reviewed text about Sanne");
    }
}
