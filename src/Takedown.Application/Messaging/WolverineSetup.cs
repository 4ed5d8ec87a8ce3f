using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Resources;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Takedown.Application.ErasureRequests;
using Takedown.Application.PlatformReports;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using JasperFx.CodeGeneration.Model;
using Wolverine.Marten;
using Wolverine.Persistence;
using Wolverine.Postgresql;

namespace Takedown.Application.Messaging;

/// <summary>
/// Wolverine, on the events' database: the deadline checks (<see cref="CheckErasureDeadline"/>,
/// <see cref="ErasureDeadlineWarning"/>, <see cref="CheckPlatformResponse"/>) go through a durable PostgreSQL queue,
/// scheduled for their instant; every other message still goes through <c>Takedown.Messaging</c> until its handler
/// moves (docs/messaging.md).
/// </summary>
public static class WolverineSetup
{
    /// <summary>The PostgreSQL queue of the deadline checks: every host publishes to it, the worker hosts listen.</summary>
    public const string DeadlineQueue = "deadlines";

    /// <summary>The schema of Wolverine's inbox, outbox, dead letters, nodes and queues.</summary>
    public const string DefaultSchema = "takedown_messages";

    /// <summary>The message types Wolverine handles; the rest are the older engine's.</summary>
    public static readonly IReadOnlySet<Type> MessageTypes = new HashSet<Type>
    {
        typeof(CheckErasureDeadline), typeof(ErasureDeadlineWarning), typeof(CheckPlatformResponse),
    };

    /// <summary>The handler types Wolverine runs (nothing else is discovered).</summary>
    public static readonly IReadOnlyList<Type> HandlerTypes =
    [
        typeof(CheckErasureDeadlineHandler), typeof(ErasureDeadlineWarningHandler), typeof(CheckPlatformResponseHandler),
    ];

    /// <summary>
    /// Adds Wolverine with its message storage in Marten's database (<c>IntegrateWithWolverine</c>), the transactional
    /// outbox on Marten sessions, the deadline queue and its error policies. A host that <paramref name="handlesMessages"/>
    /// (the worker, or the API running the worker in process) listens to the queue; the others only publish.
    /// </summary>
    /// <remarks>
    /// Outside Production Wolverine creates its tables and queues at start-up. In Production it changes nothing: its
    /// tables come with Marten's (<c>db-apply</c>) and its queues from <c>resources setup</c> (docs/operations.md).
    /// </remarks>
    public static IHostApplicationBuilder AddTakedownWolverine(
        this IHostApplicationBuilder builder, MartenServiceCollectionExtensions.MartenConfigurationExpression marten, bool handlesMessages)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(marten);
        var configuration = builder.Configuration;
        var schema = configuration["Messaging:Schema"] ?? DefaultSchema;
        var production = builder.Environment.IsProduction();
        marten.IntegrateWithWolverine(w =>
        {
            w.MessageStorageSchemaName = schema;
            w.TransportSchemaName = schema;
            w.AutoCreate = production ? AutoCreate.None : AutoCreate.CreateOrUpdate;
        });
        builder.Services.AddWolverine(ExtensionDiscovery.ManualOnly, opts =>
        {
            Configure(opts, configuration, handlesMessages);
            // Production loads the handler code ops/codegen.sh wrote (src/Takedown.*/Internal/Generated, checked by CI)
            // instead of compiling it with Roslyn at start-up.
            opts.CodeGeneration.TypeLoadMode = production ? TypeLoadMode.Static : TypeLoadMode.Dynamic;
            // The handlers live here, and so does their generated code: one copy for both hosts, written by
            // `codegen write` from a host's folder (ops/codegen.sh) into this project's Internal/Generated.
            opts.ApplicationAssembly = typeof(WolverineSetup).Assembly;
            opts.CodeGeneration.GeneratedCodeOutputPath = Path.GetFullPath(
                Path.Combine(builder.Environment.ContentRootPath, "..", "Takedown.Application", "Internal", "Generated"));
        });
        if (!production)
        {
            builder.Services.AddResourceSetupOnStartup();
        }
        return builder;
    }

    private static void Configure(WolverineOptions opts, IConfiguration configuration, bool handlesMessages)
    {
        ConfigureEngine(opts, configuration);
        opts.Policies.AddMiddleware(typeof(SystemActor));
        // The older engine's outbox is made per scope by a factory; handlers that publish its messages get it from the scope.
        opts.CodeGeneration.AlwaysUseServiceLocationFor<Takedown.Messaging.MessageOutbox>();

        opts.PublishMessage<CheckErasureDeadline>().ToPostgresqlQueue(DeadlineQueue);
        opts.PublishMessage<ErasureDeadlineWarning>().ToPostgresqlQueue(DeadlineQueue);
        opts.PublishMessage<CheckPlatformResponse>().ToPostgresqlQueue(DeadlineQueue);
        if (handlesMessages)
        {
            foreach (var handler in HandlerTypes)
            {
                opts.Discovery.IncludeType(handler);
            }
            ListenToDeadlines(opts, configuration);
        }

        opts.Policies.Add(new DeadlineCheckErrors());
    }

    /// <summary>
    /// How the engine runs, whatever the messages: several nodes on one database, scheduled messages looked for every
    /// 100 ms, transactions applied to handlers that use Marten, handler code generated at start-up. (The benchmarks run
    /// their own messages on exactly this.)
    /// </summary>
    public static void ConfigureEngine(WolverineOptions opts, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(opts);
        ArgumentNullException.ThrowIfNull(configuration);
        opts.ServiceName = "takedown";
        // Each node takes a share of the durability agents; one leads and reassigns the work of a node that died.
        opts.Durability.Mode = configuration.GetValue("Messaging:Durability", DurabilityMode.Balanced);
        // A deadline check fires at its instant: Wolverine's default looks for due messages every 5 s (and first
        // after a random 0.5-5 s), which made checks up to 7 s late; 100 ms keeps them well under a second.
        var polling = ScheduledPolling(configuration);
        opts.Durability.ScheduledJobPollingTime = polling;
        opts.Durability.ScheduledJobFirstExecution = polling;
        opts.Policies.AutoApplyTransactions();
        opts.Discovery.DisableConventionalDiscovery();
        // Handler code is generated with Roslyn when a host starts; production hosts load pre-generated code instead.
        opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        opts.UseRuntimeCompilation();
    }

    /// <summary>Listens to the deadline queue, polling it as often as scheduled messages are looked for.</summary>
    public static void ListenToDeadlines(WolverineOptions opts, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(opts);
        ArgumentNullException.ThrowIfNull(configuration);
        opts.ListenToPostgresqlQueue(DeadlineQueue)
            .PollingInterval(ScheduledPolling(configuration))
            .MaximumParallelMessages(configuration.GetValue("Messaging:DeadlineParallelism", 4));
    }

    private static TimeSpan ScheduledPolling(IConfiguration configuration) =>
        configuration.GetValue("Messaging:ScheduledPolling", TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// A deadline check must never be given up on: quick retries for a passing fault, then retries spread over hours,
    /// then Wolverine's dead letters, where an operator sees and replays it.
    /// </summary>
    private sealed class DeadlineCheckErrors : IHandlerPolicy
    {
        public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
        {
            foreach (var chain in chains.Where(c => MessageTypes.Contains(c.MessageType)))
            {
                // A check of a stream that does not exist, or a decision the domain refuses, fails the same way every
                // time: straight to the dead letters, for an operator to look at.
                chain.OnException<UnknownAggregateException>().Or<RequiredDataMissingException>().Or<Domain.DomainRuleViolated>()
                    .MoveToErrorQueue();
                chain.OnAnyException()
                    .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
                    .Then.ScheduleRetry(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2))
                    .Then.MoveToErrorQueue();
            }
        }
    }
}
