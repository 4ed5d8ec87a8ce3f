using Npgsql;
using Takedown.EventStore;

namespace Takedown.EventStore.Tests;

public sealed class AppendingTests(EventStoreFixture fixture) : IClassFixture<EventStoreFixture>, IAsyncLifetime
{
    private EventStore Store => fixture.Store;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Started_stream_is_read_back_in_order_with_versions_and_metadata()
    {
        var id = Guid.NewGuid();
        await using var session = Store.LightweightSession(new EventMetadata("corr-1", "cmd-1", "victim"));
        session.Events.StartStream(id, new ThingOpened(id, "first", fixture.Time.GetUtcNow()), new ThingCounted(id, 2, fixture.Time.GetUtcNow()));
        await session.SaveChangesAsync();

        var events = await Store.FetchStreamAsync(id);

        events.Select(e => e.Version).ShouldBe([1L, 2L]);
        events[0].Data.ShouldBe(new ThingOpened(id, "first", fixture.Time.GetUtcNow()));
        events[1].EventType.ShouldBe("thing-counted");
        events[0].Metadata.ShouldBe(new EventMetadata("corr-1", "cmd-1", "victim"));
        events[1].Sequence.ShouldBeGreaterThan(events[0].Sequence);
        session.Saved.Select(e => e.Sequence).ShouldBe(events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Streams_loaded_together_for_writing_append_in_one_session_each_event_with_its_own_metadata()
    {
        var (a, b, missing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await Append(a, 0, new ThingOpened(a, "a", fixture.Time.GetUtcNow()));
        await Append(b, 0, new ThingOpened(b, "b", fixture.Time.GetUtcNow()), new ThingCounted(b, 4, fixture.Time.GetUtcNow()));

        await using var session = Store.LightweightSession(new EventMetadata("batch", null, "system"));
        var streams = await session.Events.FetchManyForWritingAsync([a, b, missing], 0, (count, e) => e is ThingCounted c ? count + c.By : count);
        streams[a].StartingVersion.ShouldBe(1);
        (streams[b].StartingVersion, streams[b].Aggregate).ShouldBe((2L, 4));
        (streams[missing].StartingVersion, streams[missing].Events.Count).ShouldBe((0L, 0));
        streams[a].AppendMany([new ThingCounted(a, 1, fixture.Time.GetUtcNow())], new EventMetadata("hook-1", null, "integration:x"));
        streams[a].AppendMany([new ThingCounted(a, 2, fixture.Time.GetUtcNow())], new EventMetadata("hook-2", null, "integration:x"));
        streams[b].AppendOne(new ThingCounted(b, 1, fixture.Time.GetUtcNow()));
        await session.SaveChangesAsync();

        (await Store.FetchStreamAsync(a)).Select(e => (e.Version, e.Metadata.CorrelationId))
            .ShouldBe([(1L, null), (2L, "hook-1"), (3L, "hook-2")]);
        (await Store.FetchStreamAsync(b))[^1].Metadata.ShouldBe(new EventMetadata("batch", null, "system"));
        session.Saved.Select(e => e.Metadata.CorrelationId).ShouldBe(["hook-1", "hook-2", "batch"]);
    }

    [Fact]
    public async Task Starting_an_existing_stream_is_a_conflict_and_writes_nothing()
    {
        var id = Guid.NewGuid();
        await Append(id, 0, new ThingOpened(id, "one", fixture.Time.GetUtcNow()));

        var conflict = await Should.ThrowAsync<StreamVersionConflictException>(
            () => Append(id, 0, new ThingOpened(id, "again", fixture.Time.GetUtcNow())));

        conflict.StreamId.ShouldBe(id);
        (await Store.FetchStreamAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Append_at_a_stale_version_is_a_conflict_and_the_whole_session_is_rolled_back()
    {
        var id = Guid.NewGuid();
        var other = Guid.NewGuid();
        await Append(id, 0, new ThingOpened(id, "one", fixture.Time.GetUtcNow()), new ThingCounted(id, 1, fixture.Time.GetUtcNow()));

        await using var session = Store.LightweightSession();
        session.Events.StartStream(other, new ThingOpened(other, "other", fixture.Time.GetUtcNow()));
        session.Events.Append(id, 1, new ThingCounted(id, 5, fixture.Time.GetUtcNow()));
        await Should.ThrowAsync<StreamVersionConflictException>(() => session.SaveChangesAsync());

        (await Store.FetchStreamAsync(other)).ShouldBeEmpty();
        (await Store.FetchStreamAsync(id)).Count.ShouldBe(2);
        (await Store.LoadAsync<ThingSummary>("thing-summary", other)).ShouldBeNull();
    }

    [Fact]
    public async Task Without_inline_projections_a_conflicting_append_also_writes_nothing()
    {
        var options = new EventStoreOptions();
        options.Event<ThingOpened>("thing-opened").Event<ThingCounted>("thing-counted");
        var bare = new EventStore(fixture.DataSource, options, fixture.Time);
        var id = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var first = bare.LightweightSession())
        {
            first.Events.StartStream(id, new ThingOpened(id, "bare", fixture.Time.GetUtcNow()));
            await first.SaveChangesAsync();
        }

        await using var session = bare.LightweightSession();
        session.Events.StartStream(other, new ThingOpened(other, "other", fixture.Time.GetUtcNow()));
        session.Events.Append(id, 0, new ThingCounted(id, 1, fixture.Time.GetUtcNow()));
        var conflict = await Should.ThrowAsync<StreamVersionConflictException>(() => session.SaveChangesAsync());

        conflict.StreamId.ShouldBe(id);
        (await bare.FetchStreamAsync(other)).ShouldBeEmpty();
        (await bare.FetchStreamAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Many_events_in_one_call_get_consecutive_versions()
    {
        var id = Guid.NewGuid();
        var events = new List<object> { new ThingOpened(id, "batch", fixture.Time.GetUtcNow()) };
        events.AddRange(Enumerable.Range(1, 99).Select(i => new ThingCounted(id, i, fixture.Time.GetUtcNow())));
        await Append(id, 0, [.. events]);

        var stored = await Store.FetchStreamAsync(id);

        stored.Select(e => e.Version).ShouldBe(Enumerable.Range(1, 100).Select(i => (long)i));
        (await Store.LoadAsync<ThingSummary>("thing-summary", id))!.Count.ShouldBe(Enumerable.Range(1, 99).Sum());
    }

    [Fact]
    public async Task Stream_is_loaded_up_to_a_version_and_up_to_a_point_in_time()
    {
        var id = Guid.NewGuid();
        await Append(id, 0, new ThingOpened(id, "t", fixture.Time.GetUtcNow()));
        var afterFirst = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromHours(1));
        await Append(id, 1, new ThingCounted(id, 1, fixture.Time.GetUtcNow()));
        fixture.Time.Advance(TimeSpan.FromHours(1));
        await Append(id, 2, new ThingCounted(id, 1, fixture.Time.GetUtcNow()));

        (await Store.FetchStreamAsync(id, version: 2)).Count.ShouldBe(2);
        (await Store.FetchStreamAsync(id, timestamp: afterFirst)).Count.ShouldBe(1);
        var (state, version) = await Store.AggregateStreamAsync(id, 0, (count, e) => e is ThingCounted c ? count + c.By : count);
        (state, version).ShouldBe((2, 3L));
    }

    [Fact]
    public async Task Fetch_for_writing_appends_at_the_version_it_was_loaded_at()
    {
        var id = Guid.NewGuid();
        await Append(id, 0, new ThingOpened(id, "t", fixture.Time.GetUtcNow()));

        await using var first = Store.LightweightSession();
        var stream = await first.Events.FetchForWritingAsync(id, 0, (n, _) => n + 1);
        stream.Aggregate.ShouldBe(1);
        await Append(id, 1, new ThingCounted(id, 1, fixture.Time.GetUtcNow()));
        stream.AppendOne(new ThingCounted(id, 7, fixture.Time.GetUtcNow()));

        await Should.ThrowAsync<StreamVersionConflictException>(() => first.SaveChangesAsync());
        (await Store.FetchStreamAsync(id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_unregistered_event_type_is_refused_before_anything_is_written()
    {
        await using var session = Store.LightweightSession();
        Should.Throw<InvalidOperationException>(() => session.Events.StartStream(Guid.NewGuid(), new { Anonymous = true }));
    }

    [Fact]
    public async Task An_event_type_unknown_to_this_build_is_read_as_raw_json()
    {
        var id = Guid.NewGuid();
        await Append(id, 0, new ThingOpened(id, "t", fixture.Time.GetUtcNow()));
        await using (var rename = fixture.DataSource.CreateCommand("UPDATE takedown.events SET type = 'thing-retired' WHERE stream_id = $1"))
        {
            rename.Parameters.Add(new NpgsqlParameter { Value = id });
            await rename.ExecuteNonQueryAsync();
        }

        var events = await Store.FetchStreamAsync(id);

        events[0].Data.ShouldBeOfType<UnknownEvent>().EventType.ShouldBe("thing-retired");
    }

    [Fact]
    public async Task Schema_migration_runs_concurrently_and_repeatedly_without_error()
    {
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Store.MigrateAsync()));
        await using var command = fixture.DataSource.CreateCommand(
            "SELECT count(*) FROM takedown.schema_versions WHERE component = 'event-store'");
        // One row per schema step, each applied once: the tables, then the keys for personal data protection.
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(2L);
    }

    [Fact]
    public async Task Events_are_read_from_a_global_position()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        await Append(a, 0, new ThingOpened(a, "a", fixture.Time.GetUtcNow()));
        await Append(b, 0, new ThingOpened(b, "b", fixture.Time.GetUtcNow()));
        var all = await Store.ReadAllAsync(0, 100);

        var after = await Store.ReadAllAsync(all[0].Sequence, 100);

        after.Select(e => e.StreamId).ShouldBe([b]);
    }

    private async Task Append(Guid id, long expected, params object[] events)
    {
        await using var session = Store.LightweightSession();
        session.Events.Append(id, expected, events);
        await session.SaveChangesAsync();
    }
}
