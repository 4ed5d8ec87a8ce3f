using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>Gives the report API client of a configured platform.</summary>
public interface IPlatformReportApis
{
    /// <summary>The client for the named platform.</summary>
    /// <exception cref="KeyNotFoundException">No platform of that name is configured.</exception>
    /// <exception cref="InvalidOperationException">The platform takes notices by e-mail only.</exception>
    IPlatformReportApi ForPlatform(string platform);
}

/// <summary>
/// Finds a platform's keyed Refit client (<see cref="IPlatformNoticeApi"/>, keyed by the platform's configured name)
/// and puts <see cref="PlatformReportApi"/> around it.
/// </summary>
public sealed class PlatformReportApis(
    PlatformRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    ILoggerFactory loggers) : IPlatformReportApis
{
    /// <summary>The name of the platform's <see cref="HttpClient"/> (and of its resilience pipeline).</summary>
    public static string HttpClientName(string platform) => "platform:" + platform;

    public IPlatformReportApi ForPlatform(string platform)
    {
        var options = registry.Get(platform);
        if (options.Channel != NoticeChannel.Api)
        {
            throw new InvalidOperationException($"Platform '{options.Name}' takes notices by e-mail only; send a letter instead.");
        }
        return new PlatformReportApi(
            services.GetRequiredKeyedService<IPlatformNoticeApi>(options.Name),
            options,
            time,
            loggers.CreateLogger<PlatformReportApi>());
    }
}
