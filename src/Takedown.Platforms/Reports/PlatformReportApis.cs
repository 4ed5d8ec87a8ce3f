using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
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
/// One named <see cref="HttpClient"/> (<see cref="HttpClientName"/>) and one resilience pipeline per platform;
/// the pipelines live as long as this singleton, so each platform's circuit breaker remembers its failures.
/// </summary>
public sealed class PlatformReportApis(
    PlatformRegistry registry,
    IHttpClientFactory httpClients,
    OAuthTokenSource tokens,
    TimeProvider time,
    ILoggerFactory loggers) : IPlatformReportApis
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name of the platform's <see cref="HttpClient"/>.</summary>
    public static string HttpClientName(string platform) => "platform:" + platform;

    public IPlatformReportApi ForPlatform(string platform)
    {
        var options = registry.Get(platform);
        if (options.Channel != NoticeChannel.Api)
        {
            throw new InvalidOperationException($"Platform '{options.Name}' takes notices by e-mail only; send a letter instead.");
        }
        var pipeline = _pipelines.GetOrAdd(options.Name, _ => PlatformResilience.Build(options.Resilience, time));
        return new HttpPlatformReportApi(
            httpClients.CreateClient(HttpClientName(options.Name)),
            options,
            pipeline,
            tokens,
            time,
            loggers.CreateLogger<HttpPlatformReportApi>());
    }
}
