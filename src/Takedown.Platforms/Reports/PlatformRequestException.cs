using System.Net;

namespace Takedown.Platforms.Reports;

/// <summary>Whether a failed platform call may succeed when tried again later.</summary>
public enum PlatformFailure
{
    /// <summary>Timeouts, 408, 429, 5xx or network errors after all retries, or an open circuit: try again later.</summary>
    Transient,

    /// <summary>A 4xx other than 408 and 429, or an answer we cannot read: trying again will not help (dead-letter).</summary>
    Permanent,
}

/// <summary>A call to a platform's report API failed. Carries no notice content, so it is safe to log.</summary>
public sealed class PlatformRequestException : Exception
{
    public PlatformRequestException(string platform, PlatformFailure failure, HttpStatusCode? statusCode, string message, Exception? inner = null, TimeSpan? retryAfter = null)
        : base($"Platform '{platform}': {message}", inner)
    {
        Platform = platform;
        Failure = failure;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    public string Platform { get; }

    public PlatformFailure Failure { get; }

    public bool IsTransient => Failure == PlatformFailure.Transient;

    /// <summary>The last HTTP status seen, if any response came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The platform's own <c>Retry-After</c>, when it asked for a longer wait than one call may take.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The circuit for this platform is open: no request was sent.</summary>
    public bool CircuitOpen => InnerException is Polly.CircuitBreaker.BrokenCircuitException;
}
