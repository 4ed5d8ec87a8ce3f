using Npgsql;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.EventStore;

namespace Takedown.EventStore.Tests;

public sealed class ProjectionTests(EventStoreFixture fixture) : IClassFixture<EventStoreFixture>, IAsyncLifetime
{
    private EventStore Store => fixture.Store;

    private ProjectionDaemon Daemon => new(Store, NullLogger<ProjectionDaemon>.Instance);

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Inline_projection_is_current_as_soon_as_the_append_commits()
    {
        var id = Guid.NewGuid();
        await using var session = Store.LightweightSession();
        session.Events.StartStream(id, new ThingOpened(id, "inline", fixture.Time.GetUtcNow()), new ThingCounted(id, 3, fixture.Time.GetUtcNow()));
        await session.SaveChangesAsync();

        (await Store.LoadAsync<ThingSummary>("thing-summary", id)).ShouldBe(new ThingSummary(id, "inline", 3, 2));
    }

    [Fact]
    public async Task Daemon_never_skips_an_event_whose_transaction_commits_after_later_ones()
    {
        // A transaction takes the lower sequence numbers and stays open while later ones commit.
        await using var slowConnection = await fixture.DataSource.OpenConnectionAsync();
        await using var slowTx = await slowConnection.BeginTransactionAsync();
        var slow = Guid.NewGuid();
        var slowSession = Store.OpenSession(slowConnection, slowTx);
        slowSession.Events.StartStream(slow, new ThingOpened(slow, "slow", fixture.Time.GetUtcNow()));
        await slowSession.SaveChangesAsync();
        var slowSequence = slowSession.Saved[0].Sequence;

        var fast = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = Guid.NewGuid();
            fast.Add(id);
            await using var session = Store.LightweightSession();
            session.Events.StartStream(id, new ThingOpened(id, "fast", fixture.Time.GetUtcNow()));
            await session.SaveChangesAsync();
            session.Saved[0].Sequence.ShouldBeGreaterThan(slowSequence);
        }

        // While the slow transaction is open the daemon must not move past it.
        (await Daemon.CatchUpAsync(fixture.Recording)).ShouldBe(0);

        await slowTx.CommitAsync();
        (await CatchUpUntil(6)).ShouldBe(6);
        (await Daemon.CatchUpAsync(fixture.Recording)).ShouldBe(0);

        var seen = await Seen();
        seen.Select(s => s.Seq).Order().ShouldBe(new[] { slowSequence }.Concat((await Store.ReadAllAsync(0, 100)).Select(e => e.Sequence).Where(s => s != slowSequence)).Order());
        seen.Count.ShouldBe(seen.Select(s => s.Seq).Distinct().Count());
    }

    [Fact]
    public async Task Daemon_applies_each_event_once_under_concurrent_appends_and_keeps_stream_order()
    {
        using var cts = new CancellationTokenSource();
        var daemon = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                await Daemon.CatchUpAsync(fixture.Recording);
            }
        });
        var ids = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var v = 0; v < 10; v++)
            {
                foreach (var id in ids.Where((_, i) => i % 4 == w))
                {
                    await using var session = Store.LightweightSession();
                    session.Events.Append(id, v == 0 ? new ThingOpened(id, "c", fixture.Time.GetUtcNow()) : new ThingCounted(id, 1, fixture.Time.GetUtcNow()));
                    await session.SaveChangesAsync();
                }
            }
        })));
        await cts.CancelAsync();
        await daemon;
        await CatchUpUntil(400 - (await Seen()).Count);

        var seen = await Seen();
        seen.Count.ShouldBe(400);
        seen.Select(s => s.Seq).Distinct().Count().ShouldBe(400);
        foreach (var stream in seen.GroupBy(s => s.StreamId))
        {
            stream.Select(s => s.Version).ShouldBe(Enumerable.Range(1, 10).Select(v => (long)v));
        }
    }

    [Fact]
    public async Task Rebuild_from_zero_gives_the_same_read_model()
    {
        var ids = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
        {
            await using var session = Store.LightweightSession();
            session.Events.StartStream(id, new ThingOpened(id, "r", fixture.Time.GetUtcNow()), new ThingCounted(id, 2, fixture.Time.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        (await CatchUpUntil(60, fixture.AsyncSummary)).ShouldBe(60);
        var before = await Store.QueryAsync<ThingSummary>("thing-summary-async", orderBy: "id");
        await using (var corrupt = fixture.DataSource.CreateCommand("DELETE FROM takedown.documents WHERE type = 'thing-summary-async' AND id = (SELECT id FROM takedown.documents ORDER BY id LIMIT 1)"))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var rebuilt = await Daemon.RebuildAsync(fixture.AsyncSummary);
        (rebuilt + await CatchUpUntil(60 - rebuilt, fixture.AsyncSummary)).ShouldBe(60);

        var after = await Store.QueryAsync<ThingSummary>("thing-summary-async", orderBy: "id");
        before.Count.ShouldBe(30);
        after.ShouldBe(before);
    }

    /// <summary>
    /// Catches up until <paramref name="expected"/> events were applied. Other tests share the PostgreSQL cluster, and
    /// any transaction of theirs that is still running holds the horizon back for a moment: that is a wait, not a skip.
    /// </summary>
    private async Task<long> CatchUpUntil(long expected, IProjection? projection = null)
    {
        long applied = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (applied < expected && DateTime.UtcNow < deadline)
        {
            applied += await Daemon.CatchUpAsync(projection ?? fixture.Recording);
            if (applied < expected)
            {
                await Task.Delay(20);
            }
        }
        return applied;
    }

    private async Task<List<(long Seq, Guid StreamId, long Version)>> Seen()
    {
        var result = new List<(long, Guid, long)>();
        await using var command = fixture.DataSource.CreateCommand("SELECT seq, stream_id, version FROM takedown.seen ORDER BY n");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2)));
        }
        return result;
    }
}
