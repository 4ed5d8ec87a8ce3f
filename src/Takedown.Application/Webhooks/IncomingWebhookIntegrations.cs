using Microsoft.Extensions.Configuration;
using Takedown.Platforms.Webhooks;

namespace Takedown.Application.Webhooks;

/// <summary>One sender of status webhooks: its secrets (several while one rotates) and the platform its updates are about.</summary>
public sealed record IncomingWebhookIntegration(string Name, string Platform, IReadOnlyList<WebhookSecret> Secrets);

/// <summary>
/// The integrations allowed to post to <c>/webhooks/{name}</c>, from <c>Webhooks:Incoming:{name}:Secrets</c> (one or
/// more <c>whsec_</c> values) and <c>Webhooks:Incoming:{name}:Platform</c>. Read and checked at start-up, so a
/// mistyped secret stops the host with a message instead of refusing every webhook later.
/// </summary>
public sealed class IncomingWebhookIntegrations
{
    private readonly Dictionary<string, IncomingWebhookIntegration> _byName;

    public IncomingWebhookIntegrations(IEnumerable<IncomingWebhookIntegration> integrations) =>
        _byName = integrations.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The integration called <paramref name="name"/>, or null.</summary>
    public IncomingWebhookIntegration? Find(string name) => _byName.GetValueOrDefault(name);

    /// <exception cref="InvalidOperationException">A secret is not a valid <c>whsec_</c> value or an integration lacks its platform.</exception>
    public static IncomingWebhookIntegrations FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var list = new List<IncomingWebhookIntegration>();
        foreach (var section in configuration.GetSection("Webhooks:Incoming").GetChildren())
        {
            var secrets = new List<WebhookSecret>();
            var values = section.GetSection("Secrets").GetChildren().Select(s => s.Value).ToList();
            if (section["Secrets"] is { Length: > 0 } single)
            {
                values.Add(single);
            }
            foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
            {
                try
                {
                    secrets.Add(WebhookSecret.Parse(value!.Trim()));
                }
                catch (FormatException e)
                {
                    // The message names the setting, never the value: it is a secret.
                    errors.Add($"Webhooks:Incoming:{section.Key}:Secrets: {e.Message}");
                }
            }
            if (secrets.Count == 0)
            {
                errors.Add($"Webhooks:Incoming:{section.Key}:Secrets needs at least one whsec_ secret.");
            }
            var platform = section["Platform"];
            if (string.IsNullOrWhiteSpace(platform))
            {
                errors.Add($"Webhooks:Incoming:{section.Key}:Platform must name the platform the updates are about.");
            }
            list.Add(new IncomingWebhookIntegration(section.Key, platform?.Trim() ?? "", secrets));
        }
        return errors.Count > 0
            ? throw new InvalidOperationException("Invalid webhook configuration: " + string.Join(" ", errors))
            : new IncomingWebhookIntegrations(list);
    }
}
