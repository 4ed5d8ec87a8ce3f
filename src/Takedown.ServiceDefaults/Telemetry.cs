using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Takedown.ServiceDefaults;

/// <summary>The activity sources and meters every Takedown process exports.</summary>
public static class TakedownTelemetry
{
    /// <summary>Takedown's own spans and metrics (appends, SMTP sends, deadlines, letters, gauges).</summary>
    public const string SourceName = "Takedown";

    /// <summary>The messaging engine: publish and handle spans, retries and dead letters.</summary>
    public const string MessagingSourceName = "Takedown.Messaging";

    /// <summary>Wolverine's spans (send, receive, handle) and metrics, which carry the trace from publish to handler.</summary>
    public const string WolverineSourceName = "Wolverine";

    /// <summary>
    /// Ours and Wolverine's; ASP.NET Core, HttpClient, the runtime and Npgsql (every database command, the pool's
    /// gauges) come through their instrumentation packages.
    /// </summary>
    public static readonly IReadOnlyList<string> Sources = [SourceName, MessagingSourceName, WolverineSourceName];

    public static readonly IReadOnlyList<string> Meters = [SourceName, MessagingSourceName, WolverineSourceName];

    /// <summary>
    /// Request attributes the ASP.NET Core instrumentation records that may carry a token or a person's details
    /// (a sign-in link's path, a browser's user agent); the route template says where a request went.
    /// </summary>
    private static readonly string[] DroppedRequestTags = ["url.path", "url.query", "user_agent.original", "client.address"];

    /// <summary>
    /// Whether telemetry is exported in this process: only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and
    /// <c>OTEL_SDK_DISABLED</c> is not <c>true</c>.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        && !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>OTEL_SERVICE_NAME</c>, else the application name in kebab case (<c>takedown-api</c>).</summary>
    public static string ServiceName(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        return configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name
            ? name
            : environment.ApplicationName.Replace('.', '-').ToLowerInvariant();
    }

    /// <summary>
    /// Traces, metrics and logs over OTLP through OpenTelemetry.Extensions.Hosting, when <see cref="IsEnabled"/>;
    /// nothing at all otherwise. The exporter reads the standard <c>OTEL_*</c> settings from configuration
    /// (environment variables, appsettings, test settings): endpoint, protocol (with <c>http/protobuf</c> the
    /// signal's path is appended to the shared endpoint), headers and the export intervals.
    /// </summary>
    /// <exception cref="InvalidOperationException">The endpoint or protocol is not one the exporter supports.</exception>
    public static IHostApplicationBuilder AddTakedownTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!IsEnabled(configuration))
        {
            return builder;
        }
        CheckExporterSettings(configuration);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName(configuration, builder.Environment)))
            .WithTracing(tracing => tracing
                .AddSource([.. Sources])
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = NameAfterRoute)
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter([.. Meters])
                .AddNpgsqlInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: o =>
            {
                // Scopes carry request paths and arbitrary state; the message templates are written to hold ids only.
                o.IncludeScopes = false;
                o.IncludeFormattedMessage = true;
            })
            .UseOtlpExporter();
        return builder;
    }

    // The start-up check the SDK lacks: it falls back to its defaults on a setting it cannot read, and a process
    // would then export nowhere without saying so.
    private static void CheckExporterSettings(IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]!;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an http(s) address.");
        }
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]?.Trim().ToLowerInvariant();
        if (protocol is not (null or "" or "grpc" or "http/protobuf"))
        {
            throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{protocol}' is not supported; use grpc or http/protobuf.");
        }
    }

    /// <summary>
    /// Names the request span after its route with a leading slash (<c>POST /api/v1/erasure-requests/{id:guid}/approve</c>),
    /// as the dashboards and traces read it, and drops what may carry a token or a person's details. Runs when the
    /// request ends, after the instrumentation's own tags.
    /// </summary>
    private static void NameAfterRoute(Activity activity, HttpResponse response)
    {
        foreach (var tag in DroppedRequestTags)
        {
            activity.SetTag(tag, null);
        }
        var context = response.HttpContext;
        var method = context.Request.Method;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null && !route.StartsWith('/'))
        {
            route = "/" + route;
        }
        activity.DisplayName = route is null ? method : $"{method} {route}";
        activity.SetTag("http.route", route);
    }
}
