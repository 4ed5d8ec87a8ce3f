using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Takedown.Api.Integrations;

namespace Takedown.Api.Infrastructure;

/// <summary>The API's services and route groups.</summary>
public static class ApiSetup
{
    public const string IntegrationRateLimit = "integration";

    public static IServiceCollection AddTakedownApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += ProblemTitles.Apply);
        // No API body comes near these: a case, a request or a report is a few KB (letters are composed here). An
        // endpoint that takes more says so with [RequestSizeLimit].
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        services.AddOpenApi(options => options.AddContract().AddSchemaTransformer(StrictEnumSchemas.Transform).AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Takedown API";
            document.Info.Description =
                "Open takedown cases on a victim's behalf, add GDPR erasure requests and DSA platform reports, and follow " +
                "their deadlines. Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 7807 problem details.";
            return Task.CompletedTask;
        }));
        // Enums by their exact names only, in every body the API reads and writes and in the portal's and dashboard's
        // forms (StrictEnums); the document lists those names.
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new StrictEnumConverterFactory()));
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.ModelBinderProviders.Insert(0, new StrictEnumModelBinderProvider()));
        // A body that cannot be read is an exception for DomainExceptionHandler in every environment (by default only in
        // Development): it answers with a problem naming the field, where the framework would answer a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddIntegrationAuthentication(configuration);
        services.AddSingleton<Cases.CaseAccess>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Tell the caller when to come back; the body is left to the status code pages (a problem for the API,
            // the error page with the quick exit for the portal).
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter =
                        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(IntegrationRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = configuration.GetValue("RateLimits:Integration:Burst", 100),
                    TokensPerPeriod = configuration.GetValue("RateLimits:Integration:PerSecond", 50),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    /// <summary>
    /// The integration API, served under <c>/api/v1</c> and, for the current version, <c>/api</c>.
    /// A breaking change goes to <c>/api/v2</c>; <c>/api</c> keeps pointing at v1 until clients moved.
    /// </summary>
    public static ApiGroups MapApi(this WebApplication app) => new(
        [
            Group(app, "/api/v1"),
            Alias(Group(app, "/api")),
        ]);

    /// <summary>The unversioned alias serves the same endpoints without their names (names are unique) and outside the OpenAPI document.</summary>
    private static RouteGroupBuilder Alias(RouteGroupBuilder group)
    {
        group.ExcludeFromDescription();
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            foreach (var name in endpoint.Metadata.Where(m => m is IEndpointNameMetadata or IRouteNameMetadata).ToList())
            {
                endpoint.Metadata.Remove(name);
            }
        });
        return group;
    }

    private static RouteGroupBuilder Group(WebApplication app, string prefix) =>
        app.MapGroup(prefix)
            .RequireAuthorization(IntegrationAuthenticationSetup.IntegrationPolicy)
            .RequireRateLimiting(IntegrationRateLimit)
            .AddEndpointFilter<ProblemOnBadInputFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}

/// <summary>The same endpoints mapped under every API prefix.</summary>
public sealed class ApiGroups(IReadOnlyList<RouteGroupBuilder> groups)
{
    public void Map(Action<RouteGroupBuilder> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach (var group in groups)
        {
            map(group);
        }
    }
}
