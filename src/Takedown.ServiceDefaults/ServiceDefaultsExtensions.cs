using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Takedown.ServiceDefaults;

/// <summary>What every Takedown process has: problem details, health checks, telemetry.</summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>Adds problem details, the live/ready health checks and OpenTelemetry (<see cref="TakedownTelemetry.AddTakedownTelemetry"/>).</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        builder.AddTakedownTelemetry();
        return builder;
    }

    /// <summary>Adds a readiness check that PostgreSQL answers.</summary>
    public static IHealthChecksBuilder AddPostgresReadiness(this IHealthChecksBuilder checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Add(new HealthCheckRegistration(
            "postgres", sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()), HealthStatus.Unhealthy, [ReadyTag],
            TimeSpan.FromSeconds(3)));
    }

    /// <summary>
    /// <c>/health/live</c>: the process runs (no dependency checked, so a database outage does not restart it);
    /// <c>/health/ready</c>: it can serve (PostgreSQL answers).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return app;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
            }
        }
    }
}
