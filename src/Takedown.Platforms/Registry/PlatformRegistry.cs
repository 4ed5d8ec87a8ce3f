using Microsoft.Extensions.Configuration;

namespace Takedown.Platforms.Registry;

/// <summary>The configured platforms, validated once at start-up.</summary>
public sealed class PlatformRegistry
{
    /// <summary>The configuration section the registry is read from.</summary>
    public const string SectionName = "Platforms";

    private readonly Dictionary<string, PlatformOptions> _platforms;

    public PlatformRegistry(IEnumerable<PlatformOptions> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        var list = platforms.ToList();
        var errors = Validate(list);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                "The platform registry (configuration section 'Platforms') is invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }
        _platforms = list.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every configured platform.</summary>
    public IReadOnlyCollection<PlatformOptions> All => _platforms.Values;

    /// <summary>The platform of that name.</summary>
    /// <exception cref="KeyNotFoundException">No platform of that name is configured.</exception>
    public PlatformOptions Get(string name) =>
        _platforms.TryGetValue(name, out var platform)
            ? platform
            : throw new KeyNotFoundException($"No platform named '{name}' is configured.");

    public bool TryGet(string name, out PlatformOptions platform) => _platforms.TryGetValue(name, out platform!);

    /// <summary>Reads <c>Platforms:{name}</c> entries from configuration and validates them.</summary>
    public static PlatformRegistry FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var platforms = new List<PlatformOptions>();
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var platform = new PlatformOptions();
            section.Bind(platform, o => o.ErrorOnUnknownConfiguration = true);
            platform.Name = section.Key;
            platforms.Add(platform);
        }
        return new PlatformRegistry(platforms);
    }

    /// <summary>Every problem with the given platforms, each naming the platform and the setting.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<PlatformOptions> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        var errors = new List<string>();
        foreach (var duplicate in platforms.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Platform '{duplicate.Key}' is configured more than once.");
        }
        foreach (var p in platforms)
        {
            var at = $"Platforms:{p.Name}";
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                errors.Add("A platform has no name.");
            }
            if (p.ResponseTarget <= TimeSpan.Zero)
            {
                errors.Add($"{at}:ResponseTarget must be a positive time span, e.g. 7.00:00:00.");
            }
            if (p.Categories.Count == 0 || p.Categories.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}:Categories must list at least one category, none empty.");
            }
            switch (p.Channel)
            {
                case NoticeChannel.Api:
                    if (!IsWebAddress(p.BaseUrl))
                    {
                        errors.Add($"{at}:BaseUrl must be an absolute http or https address for a platform with an API.");
                    }
                    ValidateAuth(at, p.Auth, errors);
                    ValidateResilience(at, p.Resilience, errors);
                    break;
                case NoticeChannel.Email:
                    if (string.IsNullOrWhiteSpace(p.Email) || !MimeKit.MailboxAddress.TryParse(p.Email, out var mailbox) || mailbox.Domain.Length == 0)
                    {
                        errors.Add($"{at}:Email must be the address notices go to for a platform that takes them by e-mail only.");
                    }
                    break;
                default:
                    errors.Add($"{at}:Channel must be Api or Email.");
                    break;
            }
        }
        return errors;
    }

    private static void ValidateAuth(string at, PlatformAuthOptions auth, List<string> errors)
    {
        switch (auth.Kind)
        {
            case PlatformAuthKind.None:
                break;
            case PlatformAuthKind.ApiKey:
                if (string.IsNullOrWhiteSpace(auth.Header) || string.IsNullOrWhiteSpace(auth.Key))
                {
                    errors.Add($"{at}:Auth needs Header and Key for ApiKey authentication.");
                }
                break;
            case PlatformAuthKind.OAuth2ClientCredentials:
                if (!IsWebAddress(auth.TokenUrl) || string.IsNullOrWhiteSpace(auth.ClientId) || string.IsNullOrWhiteSpace(auth.ClientSecret))
                {
                    errors.Add($"{at}:Auth needs an absolute TokenUrl, ClientId and ClientSecret for OAuth2ClientCredentials.");
                }
                break;
            default:
                errors.Add($"{at}:Auth:Kind must be None, ApiKey or OAuth2ClientCredentials.");
                break;
        }
    }

    private static void ValidateResilience(string at, PlatformResilienceOptions r, List<string> errors)
    {
        // Polly refuses some values itself, but with messages that do not name the platform.
        if (r.AttemptTimeout < TimeSpan.FromMilliseconds(10) || r.TotalTimeout < r.AttemptTimeout)
        {
            errors.Add($"{at}:Resilience needs AttemptTimeout of at least 10 ms and TotalTimeout no shorter than it.");
        }
        if (r.MaxRetries is < 0 or > 20 || r.BaseDelay < TimeSpan.Zero || r.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{at}:Resilience needs MaxRetries between 0 and 20 and non-negative BaseDelay and MaxRetryAfter.");
        }
        if (r.FailureRatio is <= 0 or > 1 || r.MinimumThroughput < 2
            || r.SamplingDuration < TimeSpan.FromMilliseconds(500) || r.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{at}:Resilience needs FailureRatio in (0, 1], MinimumThroughput of at least 2 and SamplingDuration and BreakDuration of at least 500 ms.");
        }
    }

    private static bool IsWebAddress(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
