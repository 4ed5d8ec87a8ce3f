namespace Takedown.Platforms.Registry;

/// <summary>How a platform accepts notices.</summary>
public enum NoticeChannel
{
    /// <summary>Through its report API.</summary>
    Api,

    /// <summary>Only by e-mail: the notice goes as a letter to <see cref="PlatformOptions.Email"/>.</summary>
    Email,
}

/// <summary>How we authenticate to a platform's report API.</summary>
public enum PlatformAuthKind
{
    None,
    ApiKey,
    OAuth2ClientCredentials,
}

/// <summary>Authentication settings; which fields count depends on <see cref="Kind"/>.</summary>
public sealed class PlatformAuthOptions
{
    public PlatformAuthKind Kind { get; set; } = PlatformAuthKind.None;

    /// <summary>API key: the request header that carries it, e.g. <c>X-Api-Key</c>.</summary>
    public string? Header { get; set; }

    /// <summary>API key: the key.</summary>
    public string? Key { get; set; }

    /// <summary>OAuth2 client credentials: the token endpoint.</summary>
    public Uri? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? Scope { get; set; }
}

/// <summary>Timeouts, retries and the circuit breaker for one platform.</summary>
public sealed class PlatformResilienceOptions
{
    /// <summary>The whole call, all attempts and waits included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>One attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxRetries { get; set; } = 4;

    /// <summary>The median first wait of the exponential back-off (with jitter).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest <c>Retry-After</c> waited for inside one call; a longer one ends the call as a transient failure
    /// carrying the wait, so the caller reschedules instead of holding a worker.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed attempts within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 8;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One platform in the registry (configuration section <c>Platforms:{name}</c>).</summary>
public sealed class PlatformOptions
{
    /// <summary>The platform's name; taken from the configuration key.</summary>
    public string Name { get; set; } = "";

    /// <summary>The report API's base address (channel <see cref="NoticeChannel.Api"/>).</summary>
    public Uri? BaseUrl { get; set; }

    public NoticeChannel Channel { get; set; } = NoticeChannel.Api;

    /// <summary>The address notices go to when the channel is <see cref="NoticeChannel.Email"/>.</summary>
    public string? Email { get; set; }

    public PlatformAuthOptions Auth { get; set; } = new();

    /// <summary>How long the platform should take to decide; past it, escalation starts.</summary>
    public TimeSpan ResponseTarget { get; set; }

    /// <summary>The notice categories the platform accepts.</summary>
    public IList<string> Categories { get; } = [];

    public PlatformResilienceOptions Resilience { get; set; } = new();
}
