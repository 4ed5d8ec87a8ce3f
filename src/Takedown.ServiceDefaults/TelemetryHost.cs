using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
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

    /// <summary>
    /// Ours, plus the libraries' built-in sources: ASP.NET Core (HTTP in), HttpClient (platform calls, with W3C
    /// trace context on the wire) and Npgsql (every database command).
    /// </summary>
    public static readonly IReadOnlyList<string> Sources = [SourceName, MessagingSourceName, "Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    public static readonly IReadOnlyList<string> Meters =
        [SourceName, MessagingSourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Npgsql"];
}

/// <summary>
/// Builds the OpenTelemetry tracer and meter providers when the process starts and disposes (flushes) them when it
/// stops: the hosting glue the OpenTelemetry.Extensions.Hosting package would otherwise give. Configured by the
/// standard <c>OTEL_*</c> settings, read from configuration (so environment variables and test settings both work):
/// on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and <c>OTEL_SDK_DISABLED</c> is not <c>true</c>;
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or <c>http/protobuf</c>), <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c> and <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds).
/// </summary>
public sealed class TelemetryHost(IConfiguration configuration, IHostEnvironment environment) : IHostedService, IDisposable
{
    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    /// <summary>Whether telemetry is exported in this process.</summary>
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
    /// Points an OTLP exporter at the configured collector. With <c>http/protobuf</c> the signal's path
    /// (<c>v1/traces</c>, <c>v1/metrics</c>, <c>v1/logs</c>) is appended, as the specification has it for the
    /// shared endpoint variable; the SDK only does that when it reads the environment itself.
    /// </summary>
    public static void ConfigureExporter(OtlpExporterOptions options, IConfiguration configuration, string signal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? throw new InvalidOperationException("OTEL_EXPORTER_OTLP_ENDPOINT is not set.");
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported; use grpc or http/protobuf."),
        };
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an http(s) address.");
        }
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(uri.AbsoluteUri.TrimEnd('/') + "/v1/" + signal)
            : uri;
        if (configuration["OTEL_EXPORTER_OTLP_HEADERS"] is { Length: > 0 } headers)
        {
            options.Headers = headers;
        }
        if (Milliseconds(configuration, "OTEL_BSP_SCHEDULE_DELAY") is { } delay)
        {
            options.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
        }
    }

    internal static int? Milliseconds(IConfiguration configuration, string key) =>
        int.TryParse(configuration[key], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled(configuration))
        {
            return Task.CompletedTask;
        }
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName(configuration, environment));
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource([.. TakedownTelemetry.Sources])
            .AddOtlpExporter(o => ConfigureExporter(o, configuration, "traces"))
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([.. TakedownTelemetry.Meters])
            .AddOtlpExporter((o, reader) =>
            {
                ConfigureExporter(o, configuration, "metrics");
                if (Milliseconds(configuration, "OTEL_METRIC_EXPORT_INTERVAL") is { } interval)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                }
            })
            .Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracer?.ForceFlush(5000);
        _meter?.ForceFlush(5000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }
}
