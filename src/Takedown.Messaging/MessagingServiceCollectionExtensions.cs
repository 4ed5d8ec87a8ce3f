using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Takedown.Messaging;

/// <summary>Registers the messaging engine: <c>services.AddMessaging(o => …)</c>, and in the worker host <c>services.AddMessageWorker()</c>.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the outbox (<see cref="IMessageOutbox"/>/<see cref="MessageOutbox"/>, one per scope),
    /// <see cref="DeadLetters"/>, <see cref="MessagingSchema"/> and a hosted service that creates the schema at start-up.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, Action<MessagingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MessagingOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new MessagingRuntime(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MessagingSchema(sp.GetRequiredService<MessagingRuntime>()));
        services.AddSingleton(sp => new DeadLetters(sp.GetRequiredService<MessagingRuntime>()));
        services.AddScoped(sp => new MessageOutbox(sp.GetRequiredService<MessagingRuntime>()));
        services.AddScoped<IMessageOutbox>(sp => sp.GetRequiredService<MessageOutbox>());
        services.AddHostedService(sp => new SchemaInitializer(sp.GetRequiredService<MessagingSchema>()));
        return services;
    }

    /// <summary>Adds the <see cref="MessageWorker"/> hosted service (call <see cref="AddMessaging"/> too).</summary>
    public static IServiceCollection AddMessageWorker(this IServiceCollection services)
    {
        services.AddSingleton(sp => new MessageWorker(
            sp.GetRequiredService<MessagingRuntime>(),
            sp.GetRequiredService<MessagingSchema>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetService<ILogger<MessageWorker>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<MessageWorker>.Instance,
            sp.GetService<IServiceProviderIsService>()));
        services.AddHostedService(sp => sp.GetRequiredService<MessageWorker>());
        return services;
    }

    private sealed class SchemaInitializer(MessagingSchema schema) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => schema.EnsureAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
