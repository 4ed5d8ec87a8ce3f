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
        services.TryAddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                // Appends, projections and the webhook inbox run the same few statements over and over: preparing
                // them saves the server a parse and plan each time. A connection string that sets it wins.
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }
            return builder.Build();
        });
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
}
