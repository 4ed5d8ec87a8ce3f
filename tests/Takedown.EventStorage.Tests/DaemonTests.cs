using Takedown.Application.EventStorage;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Takedown.Domain.Cases;

namespace Takedown.EventStorage.Tests;

public sealed class SeenEvent
{
    public Guid Id { get; set; }

    public long Sequence { get; set; }
}

/// <summary>Records every case-opened event it is given, by its global sequence.</summary>
public sealed partial class SeenEvents : EventProjection
{
    public static void Project(IEvent<CaseOpened> e, IDocumentOperations operations)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(operations);
        operations.Store(new SeenEvent { Id = e.Id, Sequence = e.Sequence });
    }
}

/// <summary>The async daemon as the hosts run it (HotCold), against a transaction that commits late.</summary>
public sealed class DaemonTests(MartenFixture fixture) : IClassFixture<MartenFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private CaseOpened Opened(Guid caseId) => new(caseId, "TD-1", "nl", EscalationMode.Automatic, fixture.Time.GetUtcNow());

    [Fact]
    public async Task The_daemon_never_skips_an_event_whose_transaction_commits_after_later_ones()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Services.AddMarten(options =>
        {
            fixture.Configure(options, fixture.DataSource);
            options.Projections.Add(new SeenEvents(), ProjectionLifecycle.Async);
            // Marten skips a gap in the sequence older than this unless it sees the transaction that could still fill
            // it alive; a short threshold makes the test hold the transaction well past it.
            options.Projections.StaleSequenceThreshold = TimeSpan.FromSeconds(1);
        }).AddAsyncDaemon(DaemonMode.HotCold);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            await AppendAsync(store, Guid.CreateVersion7());
            await WaitForSeenAsync(store, 1);

            var late = Guid.CreateVersion7();
            await using var connection = await fixture.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var held = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
            {
                held.Events.StartStream(late, Opened(late));
                await held.SaveChangesAsync();
            }
            await AppendAsync(store, Guid.CreateVersion7());
            await AppendAsync(store, Guid.CreateVersion7());
            await Task.Delay(TimeSpan.FromSeconds(6));
            await transaction.CommitAsync();

            var seen = await WaitForSeenAsync(store, 4);
            seen.Select(s => s.Sequence).ShouldBe([1, 2, 3, 4]);
            seen.ShouldContain(s => s.Sequence == 2);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private async Task AppendAsync(IDocumentStore store, Guid caseId)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(caseId, Opened(caseId));
        await session.SaveChangesAsync();
    }

    private static async Task<IReadOnlyList<SeenEvent>> WaitForSeenAsync(IDocumentStore store, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var query = store.QuerySession();
            var seen = await query.Query<SeenEvent>().OrderBy(s => s.Sequence).ToListAsync();
            if (seen.Count >= count || DateTime.UtcNow > deadline)
            {
                seen.Count.ShouldBe(count);
                return seen;
            }
            await Task.Delay(100);
        }
    }
}
