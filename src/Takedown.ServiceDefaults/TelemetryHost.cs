using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Takedown.ServiceDefaults;

/// <summary>The names under which Takedown's own spans and metrics are published.</summary>
public static class TakedownTelemetry
{
    public const string SourceName = "Takedown";

    /// <summary>Spans of Takedown's own work: appends, outbox messages, handlers, letters, platform calls.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Takedown's own metrics (deadlines missed, outbox depth, letters sent, ...).</summary>
    public static readonly Meter Meter = new(SourceName);
}

/// <summary>
/// Builds the OpenTelemetry tracer and meter providers when the process starts and disposes (flushes) them when it
/// stops: the hosting glue the OpenTelemetry.Extensions.Hosting package would otherwise give. Configured by the
/// standard <c>OTEL_*</c> variables; on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and
/// <c>OTEL_SDK_DISABLED</c> is not <c>true</c>.
/// </summary>
public sealed class TelemetryHost(IConfiguration configuration, IHostEnvironment environment) : IHostedService, IDisposable
{
    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    /// <summary>Whether telemetry is exported in this process.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        && !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled(configuration))
        {
            return Task.CompletedTask;
        }
        var resource = ResourceBuilder.CreateDefault().AddService(
            configuration["OTEL_SERVICE_NAME"] ?? environment.ApplicationName.Replace('.', '-').ToLowerInvariant());
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(TakedownTelemetry.SourceName, "Microsoft.AspNetCore", "System.Net.Http", "Npgsql")
            .AddOtlpExporter()
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(TakedownTelemetry.SourceName, "Microsoft.AspNetCore.Hosting", "System.Net.Http", "Npgsql")
            .AddOtlpExporter()
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
