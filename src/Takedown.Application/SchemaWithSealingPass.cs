using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application;

/// <summary>
/// A component's schema steps at start-up, then, in the background, a pass that seals with their case's key the rows
/// stored in plaintext before that column was sealed. The host need not wait for the pass: readers take both forms,
/// and a pass cut short by a stop continues at the next start.
/// </summary>
/// <remarks>
/// A <see cref="BackgroundService"/> because a host may dispose its services while it is still stopping them (the test
/// factory does): <see cref="BackgroundService"/> only cancels on disposal, where a token source of our own would be
/// disposed under us.
/// </remarks>
public abstract partial class SchemaWithSealingPass(NpgsqlDataSource dataSource, DatabaseOptions options, ILogger logger) : BackgroundService
{
    /// <summary>The schema component (its row in <c>schema_versions</c>).</summary>
    protected abstract string Component { get; }

    /// <summary>The component's released schema steps, in order.</summary>
    protected abstract IReadOnlyList<string> Steps { get; }

    /// <summary>What the pass seals, for the log (e.g. "diary attachments"): never personal data.</summary>
    protected abstract string Rows { get; }

    /// <summary>Seals what is still stored in plaintext; returns how many rows it sealed (or removed).</summary>
    protected abstract Task<int> SealPlaintextAsync(CancellationToken cancellationToken);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await SchemaMigrator.MigrateAsync(dataSource, options.Schema, Component, Steps, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var count = await SealPlaintextAsync(stoppingToken);
            if (count > 0)
            {
                LogSealed(logger, count, Rows);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogSealingFailed(logger, Rows, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed or removed {Count} {Rows} stored in plaintext")]
    private static partial void LogSealed(ILogger logger, int count, string rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing plaintext {Rows} failed ({Error}); the next start tries again")]
    private static partial void LogSealingFailed(ILogger logger, string rows, string error);
}
