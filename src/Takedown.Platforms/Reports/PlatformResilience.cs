using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>
/// The resilience pipeline of one platform, run by Microsoft.Extensions.Http.Resilience as a handler of the platform's
/// client (which sends each attempt as a fresh copy of the request): a total timeout around retries (exponential
/// back-off with jitter, honouring <c>Retry-After</c>) around a circuit breaker around a per-attempt timeout. The
/// breaker sits inside the retry so that every attempt counts towards opening it; the pipeline registry keeps one
/// pipeline (so one breaker) per platform for the life of the process.
/// </summary>
public static class PlatformResilience
{
    /// <summary>Adds the strategies for a platform's settings to the handler's pipeline.</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, PlatformResilienceOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return builder
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.TotalTimeout,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options, time)),
                // A null delay lets Polly use its own exponential back-off with jitter.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter(response.Headers.RetryAfter, time) : null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                // 429 means the platform is up and pacing us: it does not count towards breaking the circuit.
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.RequestTimeout),
            })
            .AddTimeout(options.AttemptTimeout);
    }

    /// <summary>Whether the status is worth another try: 408, 429 and every 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The wait a response asks for in its <c>Retry-After</c> header, as delta seconds or an HTTP date.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, PlatformResilienceOptions options, TimeProvider time)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }
        var response = outcome.Result!;
        if (!IsTransient(response.StatusCode))
        {
            return false;
        }
        // A platform that asks for a longer pause than we may wait inside one call is left alone; the caller
        // gets the wait in the exception and reschedules.
        return RetryAfter(response.Headers.RetryAfter, time) is not { } wait || wait <= options.MaxRetryAfter;
    }
}
