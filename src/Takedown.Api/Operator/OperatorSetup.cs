using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Takedown.Domain.Operators;

namespace Takedown.Api.Operator;

/// <summary>
/// The operator dashboard under <c>/operator</c>: its own cookie scheme, roles, a rate-limited sign-in, the
/// queries and actions behind the pages.
/// </summary>
public static class OperatorSetup
{
    public const string Scheme = "Operator";
    public const string OperatorPolicy = "operator";
    public const string SupervisorPolicy = "supervisor";
    public const string SignInRateLimit = "operator-sign-in";

    /// <summary>
    /// Adds the operator area. When the host is started as <c>hash-password</c> it only prints a hash for
    /// <c>Operators:Accounts:{id}:PasswordHash</c> (the password is read from standard input) and exits.
    /// </summary>
    public static IServiceCollection AddOperatorArea(this IServiceCollection services, IConfiguration configuration, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (args is ["hash-password", ..])
        {
            Console.Error.Write("Password (read from standard input): ");
            var password = Console.ReadLine() ?? "";
            Console.WriteLine(OperatorAccounts.HashPassword(password));
            Environment.Exit(string.IsNullOrEmpty(password) ? 1 : 0);
        }

        services.Configure<Dictionary<string, OperatorAccount>>(configuration.GetSection("Operators:Accounts"));
        services.AddSingleton<OperatorAccounts>();
        services.AddSingleton<OperatorQueries>();
        services.AddSingleton<OperatorCommands>();
        services.AddSingleton<DeadLetterReplay>();
        services.AddSingleton<FailedLetters>();
        services.AddSingleton<ReplyReview>();
        StatisticsSnapshotSettings.Validate(services.AddOptions<StatisticsSnapshotSettings>()
            .Bind(configuration.GetSection(StatisticsSnapshotSettings.Section)));
        services.AddSingleton<StatisticsSnapshots>();
        services.AddHostedService<OperatorSchema.Migration>();
        services.AddHostedService<StatisticsRefresh>();

        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "takedown-operator";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/operator";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            // A shift, not a session that silently lasts for days.
            options.SlidingExpiration = false;
            options.LoginPath = "/operator/sign-in";
            options.LogoutPath = "/operator/sign-out";
            options.AccessDeniedPath = "/operator/denied";
            // Scripts calling /operator/api get a status, not a sign-in page.
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IHostEnvironment>((options, environment) =>
            options.Cookie.SecurePolicy = environment.IsDevelopment() || environment.IsEnvironment("Testing")
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always);

        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim(OperatorAccounts.RoleClaim, nameof(OperatorRole.Operator), nameof(OperatorRole.Supervisor)))
            .AddPolicy(SupervisorPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireClaim(OperatorAccounts.RoleClaim, nameof(OperatorRole.Supervisor)));

        services.Configure<RateLimiterOptions>(options => options.AddPolicy(SignInRateLimit, context =>
            // Guessing passwords costs time per address: a handful of attempts a minute is plenty for a person.
            HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = configuration.GetValue("RateLimits:OperatorSignIn:PerMinute", 10),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("get")));
        return services;
    }

    private static async Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!context.Request.Path.StartsWithSegments("/operator/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(context.RedirectUri);
            return;
        }
        // Scripts get problem details like every other JSON error of the host.
        context.Response.StatusCode = status;
        await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status401Unauthorized ? "Not signed in" : "Not allowed",
                Detail = status == StatusCodes.Status401Unauthorized
                    ? "Sign in at /operator/sign-in and send the takedown-operator cookie."
                    : "Your operator account may not use this.",
            },
        });
    }
}
