using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Refit;
using Takedown.Platforms.Registry;
using Takedown.Platforms.Reports;
using Takedown.Platforms.Webhooks;

namespace Takedown.Platforms;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>
    /// Registers the platform registry (read and validated now, so a bad configuration stops start-up with a
    /// message naming each wrong setting), per API platform a Refit client (<see cref="IPlatformNoticeApi"/>, keyed by
    /// the platform's name) whose pipeline is the platform's resilience handler around its authentication,
    /// <see cref="IPlatformReportApis"/> and the <see cref="WebhookVerifier"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The <c>Platforms</c> section is invalid.</exception>
    public static IServiceCollection AddPlatformClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPlatformRegistry(configuration);
        var registry = (PlatformRegistry)services.First(d => d.ServiceType == typeof(PlatformRegistry)).ImplementationInstance!;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(OAuthTokenSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        var refit = new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        foreach (var platform in registry.All.Where(p => p.Channel == NoticeChannel.Api))
        {
            var client = services.AddKeyedRefitGeneratedClient<IPlatformNoticeApi>(platform.Name, _ => refit, PlatformReportApis.HttpClientName(platform.Name))
                .ConfigureHttpClient(c =>
                {
                    c.BaseAddress = platform.BaseUrl;
                    // The resilience pipeline owns every timeout; HttpClient's own would cut the retries short.
                    c.Timeout = Timeout.InfiniteTimeSpan;
                });
            // Handlers run in the order added: resilience outside, so each attempt is authenticated afresh.
            client.AddResilienceHandler("platform", (pipeline, context) =>
                PlatformResilience.Configure(pipeline, platform.Resilience, context.ServiceProvider.GetRequiredService<TimeProvider>()));
            client.AddHttpMessageHandler(sp => new PlatformAuthentication(
                platform, sp.GetRequiredService<OAuthTokenSource>(), sp.GetRequiredService<ILogger<PlatformAuthentication>>()));
        }
        services.AddSingleton<OAuthTokenSource>();
        services.AddSingleton<IPlatformReportApis, PlatformReportApis>();
        services.AddSingleton<WebhookVerifier>();
        return services;
    }

    /// <summary>
    /// Registers the platform registry alone (read and validated now), for hosts that need to know a platform's
    /// channel without calling it; a second call keeps the first registry.
    /// </summary>
    /// <exception cref="InvalidOperationException">The <c>Platforms</c> section is invalid.</exception>
    public static IServiceCollection AddPlatformRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PlatformRegistry)))
        {
            return services;
        }
        services.AddSingleton(PlatformRegistry.FromConfiguration(configuration));
        return services;
    }
}
