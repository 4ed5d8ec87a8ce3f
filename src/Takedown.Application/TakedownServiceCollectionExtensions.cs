using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application.Privacy;
using Takedown.Application.ReadModels;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.EventStore;

namespace Takedown.Application;

/// <summary>Everything the API and the worker share: the event store with the domain's events, read models, deadlines.</summary>
public static class TakedownServiceCollectionExtensions
{
    /// <summary>Adds the event store on <c>ConnectionStrings:Takedown</c> with the domain's events and the read models.</summary>
    public static IServiceCollection AddTakedownCore(this IServiceCollection services, IConfiguration configuration, bool runProjectionDaemon)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString("Takedown");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Takedown is not set. Set it (e.g. ConnectionStrings__Takedown=Host=...;Database=takedown;...) or use ops/run.sh.");
        }
        var engine = new DeadlineEngine(HolidayCalendars.Default(
            configuration.GetSection("Deadlines:NetherlandsEquatedDays").Get<EquatedDay[]>()));
        services.AddSingleton(engine);
        services.AddEventStore(connectionString, options =>
        {
            options.Schema = configuration["EventStore:Schema"] ?? "takedown";
            options.Types.RegisterAll(DomainEvents.All);
            options.ProtectPersonalData(configuration);
            options.Projection(new CaseOverviewProjection()).Projection(new RequestOverviewProjection(engine)).Projection(new LetterOverviewProjection());
        }, runProjectionDaemon);
        services.AddHostedService<ReadModelMigration>();
        services.AddTakedownPrivacy(configuration);
        return services;
    }

    private sealed class ReadModelMigration(NpgsqlDataSource dataSource, EventStoreOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            SchemaMigrator.MigrateAsync(dataSource, options.Schema, ReadModelSchema.Component, ReadModelSchema.Steps, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
