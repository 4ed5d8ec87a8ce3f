using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Domain;
using Takedown.Domain.Cases;
using Takedown.Domain.EvidenceDiaries;
using JasperFx.Events;
using Takedown.Application.Storage;

namespace Takedown.EventStorage.Tests;

/// <summary>Appending on Marten: stable names and metadata, conflicts, repeats, several streams, NUL characters.</summary>
public sealed class AppendingTests(MartenFixture fixture) : IClassFixture<MartenFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private CaseOpened Opened(Guid caseId) => new(caseId, "TD-" + caseId.ToString("N")[..6], "nl", EscalationMode.Automatic, Now);

    private RecordDiaryEntry Entry(Guid caseId, Guid entryId, string whatHappened = "He waited at the door.") =>
        new(EvidenceDiary.IdFor(caseId), caseId, entryId, new DateOnly(2026, 3, 1), null, "Dorpsstraat 1", "an hour", whatHappened, ["Neighbour"], [], Now);

    [Fact]
    public async Task Events_are_stored_under_their_stable_names_with_correlation_causation_actor_and_trace_parent()
    {
        var caseId = Guid.CreateVersion7();
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Stamp(new EventMetadata("corr-1", "cause-1", "operator:ann", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
            session.Events.StartStream(caseId, Opened(caseId), new CaseClosed(caseId, Now));
            await session.SaveChangesAsync();
        }

        await using var reader = fixture.DataSource.CreateCommand(
            $"SELECT type, mt_dotnet_type, correlation_id, causation_id, headers::text FROM {MartenFixture.Schema}.mt_events ORDER BY version");
        await using var rows = await reader.ExecuteReaderAsync();
        var types = new List<string>();
        while (await rows.ReadAsync())
        {
            types.Add(rows.GetString(0));
            (rows.IsDBNull(1) ? null : rows.GetString(1)).ShouldBeNull("no CLR type name reaches the database");
            rows.GetString(2).ShouldBe("corr-1");
            rows.GetString(3).ShouldBe("cause-1");
            rows.GetString(4).ShouldContain("operator:ann");
            rows.GetString(4).ShouldContain("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        }
        types.ShouldBe(["case-opened", "case-closed"]);

        await using var query = fixture.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(caseId);
        events.Select(e => e.Data.GetType()).ShouldBe([typeof(CaseOpened), typeof(CaseClosed)]);
        events[0].Headers![MartenSetup.ActorHeader].ToString().ShouldBe("operator:ann");
    }

    [Fact]
    public async Task Two_writers_at_the_same_version_one_wins_the_other_conflicts_as_the_api_reports_it()
    {
        var caseId = Guid.CreateVersion7();
        var diaryId = EvidenceDiary.IdFor(caseId);
        await AppendDiaryAsync(caseId, Entry(caseId, Guid.CreateVersion7()));

        await using var first = fixture.Store.LightweightSession();
        await using var second = fixture.Store.LightweightSession();
        var one = await first.Events.FetchForWriting<EvidenceDiary>(diaryId);
        var two = await second.Events.FetchForWriting<EvidenceDiary>(diaryId);
        one.AppendMany(EvidenceDiary.Decide(Entry(caseId, Guid.CreateVersion7(), "first"), one.Aggregate!));
        two.AppendMany(EvidenceDiary.Decide(Entry(caseId, Guid.CreateVersion7(), "second"), two.Aggregate!));
        await first.SaveChangesAsync();
        var refused = await Should.ThrowAsync<Exception>(() => second.SaveChangesAsync());

        MartenSetup.IsConcurrencyConflict(refused).ShouldBeTrue(refused.GetType().FullName);
        var stored = await LoadDiaryAsync(diaryId);
        stored.Count.ShouldBe(2);
        (await fixture.RawEventsAsync(diaryId)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_is_a_conflict_and_writes_nothing()
    {
        var caseId = Guid.CreateVersion7();
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Events.StartStream(caseId, Opened(caseId));
            await session.SaveChangesAsync();
        }
        await using (var again = fixture.Store.LightweightSession())
        {
            again.Events.StartStream(caseId, Opened(caseId));
            var refused = await Should.ThrowAsync<Exception>(() => again.SaveChangesAsync());
            MartenSetup.IsConcurrencyConflict(refused).ShouldBeTrue(refused.GetType().FullName);
        }
        (await fixture.RawEventsAsync(caseId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_repeated_command_appends_nothing()
    {
        var caseId = Guid.CreateVersion7();
        var entryId = Guid.CreateVersion7();
        await AppendDiaryAsync(caseId, Entry(caseId, entryId));
        await AppendDiaryAsync(caseId, Entry(caseId, entryId));

        (await fixture.RawEventsAsync(EvidenceDiary.IdFor(caseId))).Count.ShouldBe(1);
        await using var query = fixture.Store.QuerySession();
        (await query.Events.FetchStreamStateAsync(EvidenceDiary.IdFor(caseId)))!.Version.ShouldBe(1);
    }

    [Fact]
    public async Task A_conflict_on_one_stream_writes_none_of_the_session_s_streams()
    {
        var caseId = Guid.CreateVersion7();
        var diaryId = EvidenceDiary.IdFor(caseId);
        await AppendDiaryAsync(caseId, Entry(caseId, Guid.CreateVersion7()));
        var otherCase = Guid.CreateVersion7();

        await using (var session = fixture.Store.LightweightSession())
        {
            session.Events.StartStream(otherCase, Opened(otherCase));
            // The diary is at version 1: expecting it at version 2 after this append means it was read at version 1...
            // expecting 3 means it was read at 2, which it never was.
            session.Events.Append(diaryId, 3, EvidenceDiary.Decide(Entry(caseId, Guid.CreateVersion7()), EvidenceDiary.Initial with { Id = diaryId, CaseId = caseId, Count = 1 }));
            var refused = await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());
            MartenSetup.IsConcurrencyConflict(refused).ShouldBeTrue(refused.GetType().FullName);
        }

        (await fixture.RawEventsAsync(otherCase)).ShouldBeEmpty();
        (await fixture.RawEventsAsync(diaryId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_nul_character_is_refused_before_anything_is_written_and_the_connection_stays_usable()
    {
        // One connection, statements prepared automatically, as the hosts run.
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { MaxAutoPrepare = 64, MaxPoolSize = 1 }.ConnectionString);
        using var store = DocumentStore.For(options => fixture.Configure(options, dataSource));
        var caseId = Guid.CreateVersion7();
        for (var i = 0; i < 5; i++)
        {
            await using var warm = store.LightweightSession();
            warm.Events.Append(caseId, new EscalationModeChanged(caseId, EscalationMode.Automatic, Now));
            await warm.SaveChangesAsync();
        }

        await using (var session = store.LightweightSession())
        {
            session.Events.Append(caseId, new CaseOpened(caseId, "nul \u0000 here", "nl", EscalationMode.Automatic, Now));
            var refused = await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());
            Unwrap(refused).ShouldBeOfType<ArgumentException>().Message.ShouldContain("NUL");
        }
        await using (var diary = store.LightweightSession())
        {
            // A NUL in personal data is refused too, before it is sealed out of sight.
            diary.Events.StartStream(EvidenceDiary.IdFor(caseId), EvidenceDiary.Decide(Entry(caseId, Guid.CreateVersion7(), "nul \u0000"), EvidenceDiary.Initial));
            var refused = await Should.ThrowAsync<Exception>(() => diary.SaveChangesAsync());
            Unwrap(refused).ShouldBeOfType<ArgumentException>();
        }
        await using (var after = store.LightweightSession())
        {
            after.Events.Append(caseId, new CaseClosed(caseId, Now));
            await after.SaveChangesAsync();
        }

        (await fixture.RawEventsAsync(caseId)).Select(e => e.Type).ShouldBe([.. Enumerable.Repeat("escalation-mode-changed", 5), "case-closed"]);
        (await fixture.RawEventsAsync(EvidenceDiary.IdFor(caseId))).ShouldBeEmpty();
    }

    private static Exception Unwrap(Exception e) => e is ArgumentException || e.InnerException is null ? e : Unwrap(e.InnerException);

    private async Task AppendDiaryAsync(Guid caseId, RecordDiaryEntry command)
    {
        await using var session = fixture.Store.LightweightSession();
        var stream = await session.Events.FetchForWriting<EvidenceDiary>(command.DiaryId);
        stream.AppendMany(EvidenceDiary.Decide(command, stream.Aggregate ?? EvidenceDiary.Initial));
        await session.SaveChangesAsync();
    }

    private async Task<EvidenceDiary> LoadDiaryAsync(Guid diaryId)
    {
        await using var query = fixture.Store.QuerySession();
        return (await query.Events.AggregateStreamAsync<EvidenceDiary>(diaryId))!;
    }
}
