using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using Takedown.Api.Integrations;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Api.Portal;

// In the hosting namespace so Program.cs needs no extra using for its two portal lines.
namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The victim portal: cookie sign-in by e-mail link, its tables and the downloads. Needs the host's messaging
/// (<c>AddTakedownMessaging</c>): sign-in mails and letters go through the outbox.
/// </summary>
public static class PortalSetup
{
    public const string Scheme = "Victim";
    public const string Policy = "victim";
    public const string StampClaim = "takedown:stamp";
    public const string SignedInAtClaim = "takedown:signed-in-at";
    public const string CookieName = "td_session";

    /// <summary>A session ends after 20 idle minutes, and after 8 hours whatever happens (a shared or seized device).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>The rate-limit policy on requesting a sign-in link.</summary>
    public const string PortalSignInRateLimit = "portal-sign-in";

    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(PortalSignInRateLimit, context =>
            // Each request sends a mail: a few a minute per address is plenty for a person and keeps anyone from
            // flooding a victim's inbox (or ours) with sign-in mails.
            HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = configuration.GetValue("RateLimits:PortalSignIn:PerMinute", 5),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("get")));
        services.AddHttpContextAccessor();
        services.AddSingleton<PortalKeys>();
        services.AddSingleton<VictimAccounts>();
        services.AddSingleton<PortalCases>();
        services.AddSingleton<PortalLetters>();
        services.AddSingleton<PortalAuthorisation>();
        services.AddSingleton<PortalApComplaints>();
        services.AddSingleton<PortalDiary>();
        services.AddScoped<PortalText>();
        services.AddHostedService<PortalMigration>();

        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.IsEssential = true;
            options.ExpireTimeSpan = IdleTimeout;
            options.SlidingExpiration = true;
            options.LoginPath = "/";
            options.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ValidateAsync,
                // No return URL: the address of a case page must not travel in a query string.
                OnRedirectToLogin = context =>
                {
                    context.Response.Redirect("/");
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                },
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IHostEnvironment>((options, environment) =>
            options.Cookie.SecurePolicy = environment.IsDevelopment() || environment.IsEnvironment("Testing")
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "td_af";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        // Every portal page sees the victim's session when there is one, the pages open to everyone too (the language
        // switch and signing out in the layout, the error page): an anti-forgery token issued on a signed-in page is
        // bound to the victim, and must still validate when its form posts to one of those.
        services.Configure<RazorPagesOptions>(options => options.Conventions.AddFolderApplicationModelConvention("/Portal", page =>
        {
            page.EndpointMetadata.Add(new AuthorizeAttribute { AuthenticationSchemes = Scheme });
            if (page.ModelType is not { } model || !typeof(VictimPageModel).IsAssignableFrom(model))
            {
                page.EndpointMetadata.Add(new AllowAnonymousAttribute());
            }
        }));
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.FindFirstValue(TakedownClaims.Actor)?.StartsWith("victim:", StringComparison.Ordinal) == true));
        return services;
    }

    /// <summary>
    /// Portal requests that end in an error status without a body (an unknown or someone else's case, a form without
    /// its anti-forgery token, too many sign-in requests) are re-executed as the portal's error page, so the victim
    /// keeps the quick exit and the emergency numbers. Everything under the machine prefixes keeps its problem details.
    /// Call it after <c>UseStatusCodePages</c>, which then finds the page written.
    /// </summary>
    public static IApplicationBuilder UsePortalErrorPages(this IApplicationBuilder app) =>
        app.UseWhen(context => IsPortalRequest(context.Request.Path), portal => portal.UseStatusCodePagesWithReExecute("/fout"));

    /// <summary>Everything that is not the API, the operator dashboard or a machine endpoint is the portal's.</summary>
    public static bool IsPortalRequest(PathString path) =>
        !NotPortalPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] NotPortalPrefixes = ["/api", "/operator", "/webhooks", "/inbound", "/health", "/openapi"];

    /// <summary>The downloads (PDFs, attachments) and the quick exit's sign-out beacon.</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        PortalDownloads.Map(app);
        // The quick exit's script sends this as it leaves, so the back button finds no signed-in page. No anti-forgery
        // token: the worst a forged request can do is sign the victim out, and the cookie is SameSite=Strict anyway.
        app.MapPost("/snel-weg", async (HttpContext http) =>
        {
            await http.SignOutAsync(Scheme);
            return Results.NoContent();
        }).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>The victim behind a signed-in principal.</summary>
    public static Guid VictimId(this ClaimsPrincipal user)
    {
        var actor = user?.FindFirstValue(TakedownClaims.Actor);
        return actor is not null && actor.StartsWith("victim:", StringComparison.Ordinal) && Guid.TryParse(actor["victim:".Length..], out var id)
            ? id
            : throw new InvalidOperationException("Not a victim's session.");
    }

    public static ClaimsPrincipal Principal(Guid victimId, string stamp, DateTimeOffset signedInAt) => new(new ClaimsIdentity(
        [
            new Claim(TakedownClaims.Actor, "victim:" + victimId.ToString("D")),
            new Claim(StampClaim, stamp),
            new Claim(SignedInAtClaim, signedInAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ],
        Scheme));

    /// <summary>Every request: the stamp must still be the victim's (else "sign out everywhere" happened) and the session younger than 8 hours.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var user = context.Principal!;
        var valid = Guid.TryParse(user.FindFirstValue(TakedownClaims.Actor)?.Replace("victim:", "", StringComparison.Ordinal), out var victimId)
            && long.TryParse(user.FindFirstValue(SignedInAtClaim), out var signedIn)
            && services.GetRequiredService<TimeProvider>().GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(signedIn) < AbsoluteTimeout
            && await services.GetRequiredService<VictimAccounts>().StampAsync(victimId, context.HttpContext.RequestAborted) is { } stamp
            && stamp == user.FindFirstValue(StampClaim);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
