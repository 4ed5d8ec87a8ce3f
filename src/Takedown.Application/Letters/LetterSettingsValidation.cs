using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Takedown.Application.Letters;

/// <summary>
/// Checks the <c>Letters</c> section when the host starts, so a missing secret stops the process with a message
/// naming the setting instead of failing on the first letter weeks later.
/// </summary>
internal sealed class LetterSettingsValidation(IHostEnvironment environment) : IValidateOptions<LetterSettings>
{
    /// <summary>The reply addresses' HMAC needs at least this much secret (see <c>ReplyAddress.For</c>).</summary>
    public const int MinimumSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, LetterSettings options)
    {
        var errors = new List<string>();
        // In production a weak secret lets anyone forge the reply address of another victim's request; development and
        // test hosts may run without one.
        if (environment.IsProduction() && (options.ReplySecret?.Length ?? 0) < MinimumSecretLength)
        {
            errors.Add($"Letters:ReplySecret must be at least {MinimumSecretLength} characters in production (set Letters__ReplySecret from a secret store).");
        }
        if (string.IsNullOrWhiteSpace(options.ReplyDomain))
        {
            errors.Add("Letters:ReplyDomain is empty; it is the domain of reply addresses and Message-IDs.");
        }
        if (options.WarningDaysBefore.Any(d => d <= 0))
        {
            errors.Add("Letters:WarningDaysBefore must hold positive numbers of days.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
