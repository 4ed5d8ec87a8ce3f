using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.ControllerDirectory;

/// <summary>The controller directory: its tables, its import at start-up, its search.</summary>
public static partial class DirectorySetup
{
    /// <summary>
    /// Adds <see cref="DirectoryRecords"/> and, at start-up, its schema steps and the import of the snapshot at
    /// <c>Directory:Snapshot</c> (by default the copy shipped beside the application, <c>controller-directory/</c>).
    /// <c>Directory:ImportOnStart</c> false skips the import (the tables are still made).
    /// </summary>
    public static IServiceCollection AddControllerDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DirectoryRecords>();
        services.AddSingleton<DirectoryAnswerTimes>();
        services.AddHostedService(provider => new DirectoryImportOnStart(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<DatabaseOptions>(),
            provider.GetRequiredService<DirectoryRecords>(), provider.GetRequiredService<ILogger<DirectoryRecords>>(),
            configuration["Directory:Snapshot"] ?? DefaultSnapshot, configuration.GetValue("Directory:ImportOnStart", true)));
        return services;
    }

    /// <summary>The snapshot shipped with the application (copied from the repository's <c>data/controller-directory/</c>).</summary>
    public static string DefaultSnapshot => Path.Combine(AppContext.BaseDirectory, "controller-directory");

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller directory imported: {Records} records, {Inserted} new, {Updated} updated, {Unchanged} unchanged, {KeptOwn} under operators' own records, in {Milliseconds} ms")]
    private static partial void LogImported(ILogger logger, int records, int inserted, int updated, int unchanged, int keptOwn, long milliseconds);

    /// <summary>The import runs before the host serves, so a search never meets an empty directory on a fresh install.</summary>
    private sealed class DirectoryImportOnStart(
        NpgsqlDataSource dataSource, DatabaseOptions options, DirectoryRecords directory, ILogger logger, string snapshot, bool import) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await SchemaMigrator.MigrateAsync(dataSource, options.Schema, DirectorySchema.Component, DirectorySchema.Steps, cancellationToken);
            if (!import)
            {
                return;
            }
            var result = await directory.ImportAsync(DirectorySnapshot.Read(snapshot), cancellationToken);
            LogImported(logger, result.Records, result.Inserted, result.Updated, result.Unchanged, result.KeptOwn, (long)result.Took.TotalMilliseconds);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
