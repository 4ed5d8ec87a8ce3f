using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Takedown.Platforms.Registry;
using Takedown.Platforms.Reports;
using Takedown.Platforms.Webhooks;

namespace Takedown.Platforms;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>
    /// Registers the platform registry (read and validated now, so a bad configuration stops start-up with a
    /// message naming each wrong setting), a named <see cref="HttpClient"/> per platform, <see cref="IPlatformReportApis"/>
    /// and the <see cref="WebhookVerifier"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The <c>Platforms</c> section is invalid.</exception>
    public static IServiceCollection AddPlatformClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPlatformRegistry(configuration);
        var registry = (PlatformRegistry)services.First(d => d.ServiceType == typeof(PlatformRegistry)).ImplementationInstance!;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(OAuthTokenSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        foreach (var platform in registry.All.Where(p => p.Channel == NoticeChannel.Api))
        {
            services.AddHttpClient(PlatformReportApis.HttpClientName(platform.Name), c =>
            {
                c.BaseAddress = WithTrailingSlash(platform.BaseUrl!);
                // The resilience pipeline owns every timeout; HttpClient's own would cut the retries short.
                c.Timeout = Timeout.InfiniteTimeSpan;
            });
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

    // Relative request paths ("v1/notices") are resolved against the base address, which drops its last segment
    // unless it ends in a slash.
    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
