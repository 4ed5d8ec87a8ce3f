using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Platforms.Webhooks;

namespace Takedown.Application.Webhooks;

/// <summary>Webhooks in (platform status updates) and out (subscriptions, deliveries), for every host.</summary>
public static class WebhookSetup
{
    /// <summary>
    /// Adds the webhook tables, the fan-out projection (inline, after the read models), the incoming integrations (<c>Webhooks:Incoming</c>) and the processor of their
    /// inbox (<c>Webhooks:Inbox</c>), subscriptions and the delivery client. Call after <c>AddTakedownMarten</c>; <see cref="TakedownServiceCollectionExtensions.AddTakedownCore"/> does.
    /// </summary>
    public static IServiceCollection AddTakedownWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The fan-out projection needs the container (for a scoped outbox); it runs inline after the read models.
        services.ConfigureMarten((sp, options) =>
        {
            var fanOut = new WebhookFanOutProjection(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<NpgsqlDataSource>(),
                sp.GetRequiredService<DatabaseOptions>().Schema, sp.GetRequiredService<TimeProvider>());
            options.Projections.Add(fanOut, JasperFx.Events.Projections.ProjectionLifecycle.Inline, fanOut.Name);
        });
        services.AddHostedService<WebhookMigration>();
        services.TryAddSingleton(IncomingWebhookIntegrations.FromConfiguration(configuration));
        services.TryAddSingleton<WebhookVerifier>();
        services.TryAddSingleton<PlatformStatusWebhooks>();
        var inbox = configuration.GetSection("Webhooks:Inbox").Get<WebhookInboxOptions>() ?? new WebhookInboxOptions();
        if (inbox.BatchSize is < 1 or > 1000 || inbox.PollingInterval <= TimeSpan.Zero || inbox.Linger < TimeSpan.Zero || inbox.Linger > TimeSpan.FromSeconds(5)
            || inbox.Retention < TimeSpan.FromHours(1) || inbox.SealAfter < TimeSpan.Zero || inbox.SealAfter > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException(
                "Webhooks:Inbox: BatchSize must lie between 1 and 1000, PollingInterval must be positive, Linger between 0 and 5 seconds, "
                + "Retention at least an hour and SealAfter between 0 and 5 minutes.");
        }
        services.TryAddSingleton(inbox);
        services.TryAddSingleton<WebhookInboxSignal>();
        services.AddHostedService<WebhookInboxProcessor>();
        services.TryAddSingleton<WebhookSubscriptions>();
        services.TryAddSingleton(configuration.GetSection("Webhooks:Outgoing").Get<OutgoingWebhookOptions>() ?? new OutgoingWebhookOptions());
        services.AddHttpClient(DeliverWebhookHandler.HttpClientName)
            // A subscriber's redirect must not steer our signed request somewhere else.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return services;
    }

    private sealed class WebhookMigration(NpgsqlDataSource dataSource, DatabaseOptions options) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await SchemaMigrator.MigrateAsync(dataSource, options.Schema, WebhookSchema.Component, WebhookSchema.Steps, cancellationToken);
            await WebhookSecretSealing.SealPlaintextAsync(dataSource, options, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
