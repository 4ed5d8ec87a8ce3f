using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Application.Portal;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// Asks for the e-mail address and mails a one-time link. The answer is the same page whether or not the address is
/// known, so the form cannot be used to find out who has a case.
/// </summary>
[EnableRateLimiting(PortalSetup.PortalSignInRateLimit)]
public sealed class IndexModel(VictimAccounts accounts, MessageOutbox outbox, PortalText text, IConfiguration configuration, IHostEnvironment environment) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var signedIn = await HttpContext.AuthenticateAsync(PortalSetup.Scheme);
        return signedIn.Succeeded ? LocalRedirect("/mijn-zaken") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var email = Email?.Trim();
        if (email is null || email.Length > 254 || !Input.IsEmail(email))
        {
            Error = text.T("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.", "Enter a valid e-mail address, such as name@example.com.");
            return Page();
        }
        var victimId = await accounts.FindOrCreateAsync(email, cancellationToken);
        var baseUrl = BaseUrl();
        await accounts.IssueTokenAsync(victimId, outbox,
            (token, expires) => new SendSignInLink(email, new Uri(baseUrl, "/inloggen/link?token=" + token).ToString(), text.Language, expires),
            cancellationToken);
        return LocalRedirect("/inloggen/verstuurd");
    }

    /// <summary>
    /// The configured public address; never the request's Host header outside local runs, or anyone could have a
    /// victim mailed a link to their own site.
    /// </summary>
    private Uri BaseUrl()
    {
        if (configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }
        return environment.IsDevelopment() || environment.IsEnvironment("Testing")
            ? new Uri($"{Request.Scheme}://{Request.Host}")
            : throw new InvalidOperationException("Portal:PublicBaseUrl is not set.");
    }
}
