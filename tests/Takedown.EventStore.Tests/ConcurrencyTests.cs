using Npgsql;
using Takedown.EventStore;

namespace Takedown.EventStore.Tests;

public sealed class ConcurrencyTests(EventStoreFixture fixture) : IClassFixture<EventStoreFixture>, IAsyncLifetime
{
    private EventStore Store => fixture.Store;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_writers_at_the_same_expected_version_one_wins_the_other_conflicts_nothing_half_written()
    {
        for (var round = 0; round < 20; round++)
        {
            var id = Guid.NewGuid();
            await using (var open = Store.LightweightSession())
            {
                open.Events.StartStream(id, new ThingOpened(id, "contested", fixture.Time.GetUtcNow()));
                await open.SaveChangesAsync();
            }
            var gate = new TaskCompletionSource();
            var writers = Enumerable.Range(0, 2).Select(async w =>
            {
                await gate.Task;
                await using var session = Store.LightweightSession();
                session.Events.Append(id, 1, new ThingCounted(id, 10 + w, fixture.Time.GetUtcNow()), new ThingCounted(id, 20 + w, fixture.Time.GetUtcNow()));
                try
                {
                    await session.SaveChangesAsync();
                    return (Won: true, Writer: w);
                }
                catch (StreamVersionConflictException)
                {
                    return (Won: false, Writer: w);
                }
            }).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(writers);

            results.Count(r => r.Won).ShouldBe(1);
            var winner = results.Single(r => r.Won).Writer;
            var events = await Store.FetchStreamAsync(id);
            events.Skip(1).Select(e => ((ThingCounted)e.Data).By).ShouldBe([10 + winner, 20 + winner]);
            (await Store.LoadAsync<ThingSummary>("thing-summary", id))!.Count.ShouldBe(30 + (2 * winner));
        }
    }

    [Theory]
    [InlineData("conflict")]
    [InlineData("refused value")]
    public async Task A_failure_on_the_use_that_prepares_the_append_leaves_the_connection_usable(string failure)
    {
        // One connection, statements prepared automatically on their fifth use as the hosts do, and that fifth use of the
        // expected-version append fails: by a conflict, or by a value the server would refuse while binding it (jsonb takes
        // no NUL character). Npgsql 10 keeps a statement whose preparing use failed while binding marked as prepared
        // without its result columns, and its next use on that connection lost protocol step with the server. Now neither
        // reaches the server as a failure: a conflict returns no rows, and the NUL is refused before anything is sent.
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { MaxAutoPrepare = 64, MaxPoolSize = 1 }.ConnectionString);
        var options = new EventStoreOptions();
        options.Event<ThingOpened>("thing-opened").Event<ThingCounted>("thing-counted");
        options.Projection(new ThingSummaryProjection());
        var store = new EventStore(dataSource, options, fixture.Time);
        var id = Guid.NewGuid();
        async Task AppendAsync(long expected, object @event)
        {
            await using var session = store.LightweightSession();
            session.Events.Append(id, expected, @event);
            await session.SaveChangesAsync();
        }
        await using (var open = store.LightweightSession())
        {
            open.Events.StartStream(id, new ThingOpened(id, "prepared", fixture.Time.GetUtcNow()));
            await open.SaveChangesAsync();
        }
        for (var version = 1; version <= 4; version++)
        {
            await AppendAsync(version, new ThingCounted(id, version, fixture.Time.GetUtcNow()));
        }

        if (failure == "conflict")
        {
            await Should.ThrowAsync<StreamVersionConflictException>(() => AppendAsync(1, new ThingCounted(id, 99, fixture.Time.GetUtcNow())));
        }
        else
        {
            await Should.ThrowAsync<ArgumentException>(() => AppendAsync(5, new ThingOpened(id, "nul \u0000 here", fixture.Time.GetUtcNow())));
        }
        await AppendAsync(5, new ThingCounted(id, 5, fixture.Time.GetUtcNow()));
        await AppendAsync(6, new ThingCounted(id, 6, fixture.Time.GetUtcNow()));

        (await store.FetchStreamAsync(id)).Select(e => e.Version).ShouldBe([1, 2, 3, 4, 5, 6, 7]);
        (await store.LoadAsync<ThingSummary>("thing-summary", id))!.Count.ShouldBe(21);
    }

    [Fact]
    public async Task Many_parallel_writers_on_many_streams_give_a_total_order_and_every_event_once()
    {
        const int writers = 8;
        const int streamsPerWriter = 25;
        const int eventsPerStream = 4;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var s = 0; s < streamsPerWriter; s++)
            {
                var id = Guid.NewGuid();
                for (var v = 0; v < eventsPerStream; v++)
                {
                    await using var session = Store.LightweightSession();
                    object e = v == 0 ? new ThingOpened(id, "p", fixture.Time.GetUtcNow()) : new ThingCounted(id, 1, fixture.Time.GetUtcNow());
                    session.Events.Append(id, v, e);
                    await session.SaveChangesAsync();
                }
            }
        })));

        var all = new List<StoredEvent>();
        long position = 0;
        while (true)
        {
            var page = await Store.ReadAllAsync(position, 97);
            if (page.Count == 0)
            {
                break;
            }
            all.AddRange(page);
            position = page[^1].Sequence;
        }

        all.Count.ShouldBe(writers * streamsPerWriter * eventsPerStream);
        all.Select(e => e.Id).Distinct().Count().ShouldBe(all.Count);
        all.Select(e => e.Sequence).ShouldBe(all.Select(e => e.Sequence).Order());
        foreach (var stream in all.GroupBy(e => e.StreamId))
        {
            stream.Select(e => e.Version).ShouldBe([1L, 2L, 3L, 4L]);
        }
    }
}
