namespace Takedown.Sandbox;

/// <summary>Settings of the sandbox platform (configuration section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>The accepted API key; empty turns API-key access off.</summary>
    public string ApiKey { get; set; } = "sandbox-key";

    /// <summary>The accepted OAuth2 client; empty turns the token endpoint off.</summary>
    public string ClientId { get; set; } = "takedown";

    public string ClientSecret { get; set; } = "sandbox-secret";

    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>Where status webhooks go, e.g. <c>http://127.0.0.1:5080/webhooks/sandbox</c>.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The <c>whsec_</c> secret status webhooks are signed with.</summary>
    public string? WebhookSecret { get; set; }
}
