using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Takedown.EventStore;

/// <summary>Registers the event store (Marten's <c>AddMarten</c>).</summary>
public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the event store on <paramref name="connectionString"/>, migrates its schema at start-up and, when
    /// <paramref name="runDaemon"/>, runs the asynchronous projections in this host.
    /// </summary>
    public static IServiceCollection AddEventStore(
        this IServiceCollection services, string connectionString, Action<EventStoreOptions> configure, bool runDaemon = true)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EventStoreOptions();
        configure(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(WithPreparedStatements(connectionString)));
        services.AddSingleton(options);
        services.AddSingleton<EventStore>();
        services.AddSingleton<ProjectionDaemon>();
        services.AddHostedService<EventStoreMigration>();
        if (runDaemon)
        {
            services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        }
        return services;
    }

    private sealed class EventStoreMigration(EventStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// Slots for automatically prepared statements, unless the connection string sets <c>Max Auto Prepare</c>.
    /// Appends, projections, the outbox and the inbox run the same statements over and over, and preparing them saves
    /// the server a parse and plan each time: appends ran 1.4 to 2 times as fast prepared (docs/benchmarks.md). The
    /// slots are many more than the statements a host runs, so a prepared statement is never evicted for another:
    /// replacing one in a batch that then fails (as an append does on purpose on a version conflict) is where Npgsql's
    /// bookkeeping has lost step with the server before ("Received unexpected backend message …"). Each connection's
    /// server process keeps the plans of the statements it has run at least five times.
    /// </summary>
    public const int AutoPrepareSlots = 256;

    /// <summary><paramref name="connectionString"/> with <see cref="AutoPrepareSlots"/> unless it sets its own.</summary>
    public static string WithPreparedStatements(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = AutoPrepareSlots;
        }
        return builder.ConnectionString;
    }
}
