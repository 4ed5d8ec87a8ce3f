using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Takedown.Api.Integrations;

/// <summary>An integration (partner service) allowed to use the API: configured under <c>Integrations:Partners:{name}</c>.</summary>
public sealed class IntegrationPartner
{
    /// <summary>SHA-256 (hex) of the API key: configuration never holds the key itself.</summary>
    public string ApiKeySha256 { get; set; } = "";

    /// <summary>What the key may do, e.g. <c>cases:read</c>, <c>cases:write</c>, <c>webhooks:manage</c>.</summary>
    public List<string> Scopes { get; set; } = [];
}

/// <summary>The claims Takedown puts on a principal.</summary>
public static class TakedownClaims
{
    /// <summary>Who acts, as stored in event metadata: <c>integration:{name}</c>, <c>victim:{id}</c>, <c>operator:{id}</c>.</summary>
    public const string Actor = "takedown:actor";

    public const string Scope = "scope";
}

/// <summary>Scopes an integration's API key can carry.</summary>
public static class Scopes
{
    public const string CasesRead = "cases:read";
    public const string CasesWrite = "cases:write";
    public const string WebhooksManage = "webhooks:manage";
}

/// <summary>API keys in <c>Authorization: Bearer</c> (or <c>X-Api-Key</c>), compared by hash in constant time.</summary>
public sealed class IntegrationKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptionsMonitor<Dictionary<string, IntegrationPartner>> partners)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "IntegrationKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : Request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        foreach (var (name, partner) in partners.CurrentValue)
        {
            if (partner.ApiKeySha256.Length == 64
                && CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(partner.ApiKeySha256)))
            {
                var identity = new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.Name, "integration:" + name),
                        new Claim(TakedownClaims.Actor, "integration:" + name),
                        .. partner.Scopes.Select(s => new Claim(TakedownClaims.Scope, s)),
                    ],
                    SchemeName);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
            }
        }
        return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "Not signed in", Detail = "Send your API key as 'Authorization: Bearer <key>'." },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 403, Title = "Not allowed", Detail = "Your API key does not have the scope this call needs." },
        });
    }
}

public static class IntegrationAuthenticationSetup
{
    /// <summary>Any integration with a valid key (the API's route groups require it; endpoints add a scope).</summary>
    public const string IntegrationPolicy = "integration";

    public static IServiceCollection AddIntegrationAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<Dictionary<string, IntegrationPartner>>(configuration.GetSection("Integrations:Partners"));
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, IntegrationKeyHandler>(IntegrationKeyHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(IntegrationPolicy, p => p.AddAuthenticationSchemes(IntegrationKeyHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(Scopes.CasesRead, p => p.AddAuthenticationSchemes(IntegrationKeyHandler.SchemeName).RequireClaim(TakedownClaims.Scope, Scopes.CasesRead))
            .AddPolicy(Scopes.CasesWrite, p => p.AddAuthenticationSchemes(IntegrationKeyHandler.SchemeName).RequireClaim(TakedownClaims.Scope, Scopes.CasesWrite))
            .AddPolicy(Scopes.WebhooksManage, p => p.AddAuthenticationSchemes(IntegrationKeyHandler.SchemeName).RequireClaim(TakedownClaims.Scope, Scopes.WebhooksManage));
        return services;
    }

    /// <summary>The actor of the current principal, as stored in event metadata.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user?.FindFirstValue(TakedownClaims.Actor) ?? throw new InvalidOperationException("Authenticated principal without actor.");
}
