using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.Privacy;
using Takedown.Application.ReadModels;
using Takedown.Application.Webhooks;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Takedown.Application.Storage;

namespace Takedown.Application;

/// <summary>Everything the API and the worker share: the event store with the domain's events, read models, deadlines.</summary>
public static partial class TakedownServiceCollectionExtensions
{
    /// <summary>
    /// Adds Marten on <c>ConnectionStrings:Takedown</c> with the domain's events and the read models; returns Marten's
    /// expression, for <c>AddTakedownWolverine</c>.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddTakedownCore(this IServiceCollection services, IConfiguration configuration, bool runProjectionDaemon)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString("Takedown");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Takedown is not set. Set it (e.g. ConnectionStrings__Takedown=Host=...;Database=takedown;...) or use ops/run.sh.");
        }
        var engine = new DeadlineEngine(
            HolidayCalendars.Default(configuration.GetSection("Deadlines:NetherlandsEquatedDays").Get<EquatedDay[]>()),
            ResponseTargetsFrom(configuration.GetSection("Platforms")));
        services.AddSingleton(engine);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                // Appends, read models and the webhook inbox run the same few statements over and over: preparing them
                // saves the server a parse and plan each time. A connection string that sets it wins.
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }
            return builder.Build();
        });
        var database = new DatabaseOptions
        {
            Schema = configuration["Database:Schema"] ?? "takedown",
            MessageSchema = configuration["Messaging:Schema"] ?? "takedown_messages",
        };
        database.ProtectPersonalData(configuration);
        services.AddSingleton(database);
        // The events, with the read models as inline projections (docs/event-store.md).
        var marten = services.AddTakedownMarten(configuration, runProjectionDaemon);
        services.AddSingleton<Replies.ReplySealing>();
        services.AddHostedService<ReadModelMigration>();
        services.AddTakedownWebhooks(configuration);
        services.AddHostedService<OperationalGauges>();
        services.AddTakedownPrivacy(configuration);
        return marten;
    }

    /// <summary>
    /// A platform's configured response target applies to every category, but never loosens a category's own target
    /// (48 hours for intimate images stays 48 hours on a platform promising 72).
    /// </summary>
    private static ResponseTargets ResponseTargetsFrom(IConfigurationSection platforms)
    {
        var byPlatform = new Dictionary<string, IReadOnlyDictionary<ReportCategory, TimeSpan>>(StringComparer.OrdinalIgnoreCase);
        foreach (var platform in platforms.GetChildren())
        {
            if (platform.GetValue<TimeSpan?>("ResponseTarget") is { } target && target > TimeSpan.Zero)
            {
                byPlatform[platform.Key] = Enum.GetValues<ReportCategory>().ToDictionary(
                    c => c, c => TimeSpan.FromTicks(Math.Min(target.Ticks, ResponseTargets.Default.For(platform.Key, c).Ticks)));
            }
        }
        return new ResponseTargets(
            Enum.GetValues<ReportCategory>().ToDictionary(c => c, c => ResponseTargets.Default.For("", c)), byPlatform);
    }

    /// <summary>
    /// The read models' schema steps at start-up, then, in the background, the sealing of raw replies stored before
    /// replies were sealed (<see cref="Replies.ReplySealing.SealPlaintextAsync"/>). The host need not wait for the
    /// second: readers take both forms, and a pass cut short by a stop continues at the next start.
    /// </summary>
    private sealed class ReadModelMigration(
        NpgsqlDataSource dataSource, DatabaseOptions options, Replies.ReplySealing replies, ILogger<ReadModelMigration> logger)
        : SchemaWithSealingPass(dataSource, options, logger)
    {
        protected override string Component => ReadModelSchema.Component;

        protected override IReadOnlyList<string> Steps => ReadModelSchema.Steps;

        protected override string Rows => "raw replies";

        protected override Task<int> SealPlaintextAsync(CancellationToken cancellationToken) => replies.SealPlaintextAsync(cancellationToken);
    }
}
