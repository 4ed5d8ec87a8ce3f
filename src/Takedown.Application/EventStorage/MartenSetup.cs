using System.Diagnostics;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using ProjectionLifecycle = JasperFx.Events.Projections.ProjectionLifecycle;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application.Sealing;
using Takedown.Application.PlatformReports;
using Takedown.Application.ReadModels;
using Takedown.Application.Storage;
using Takedown.Domain;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.EvidenceDiaries;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using Weasel.Core;

namespace Takedown.Application.EventStorage;

/// <summary>
/// Marten as the event store, configured once for both hosts (and for the tests and benchmarks that build a store of
/// their own), in a schema of its own beside our read models.
/// </summary>
public static class MartenSetup
{
    /// <summary>Marten's schema unless <c>Marten:Schema</c> says otherwise.</summary>
    public const string DefaultSchema = "takedown_events";

    /// <summary>The header holding who acted (see <see cref="EventMetadata.Actor"/>).</summary>
    public const string ActorHeader = "actor";

    /// <summary>The header holding the W3C trace context of the append.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>
    /// Adds Marten on the host's <see cref="NpgsqlDataSource"/>, with the domain's events, sealing of personal data
    /// and, when <paramref name="runProjectionDaemon"/>, the async daemon in <see cref="DaemonMode.HotCold"/> (each
    /// async projection runs on one host at a time; another takes over when it dies). Returns Marten's expression so
    /// the host can go on, e.g. with Wolverine's <c>IntegrateWithWolverine()</c>.
    /// </summary>
    /// <remarks>
    /// Outside Production Marten creates and updates its schema itself on first use. In Production it changes
    /// nothing: the SQL comes from <c>dotnet Takedown.Api.dll db-patch migration.sql</c> (or is applied by
    /// <c>db-apply</c>), see docs/operations.md.
    /// </remarks>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddTakedownMarten(
        this IServiceCollection services, IConfiguration configuration, bool runProjectionDaemon)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var schema = configuration["Marten:Schema"] ?? DefaultSchema;
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<DatabaseOptions>();
            return new EventSealing(
                database.Protection ?? throw new InvalidOperationException("Personal data protection is not configured; events would be stored in the clear."),
                sp.GetRequiredService<NpgsqlDataSource>(), database.Schema, DomainEvents.All.Values, sp.GetRequiredService<TimeProvider>());
        });
        var marten = services.AddMarten(sp =>
        {
            var options = new StoreOptions();
            Configure(options, schema, sp.GetRequiredService<EventSealing>());
            options.Events.TimeProvider = sp.GetRequiredService<TimeProvider>();
            AddReadModels(options, sp.GetRequiredService<DatabaseOptions>().Schema, sp.GetRequiredService<DeadlineEngine>());
            options.AutoCreateSchemaObjects = sp.GetRequiredService<IHostEnvironment>().IsProduction() ? AutoCreate.None : AutoCreate.CreateOrUpdate;
            return options;
        }).UseNpgsqlDataSource().UseLightweightSessions();
        // Outside Production the tables exist before the first request (our own steps add an index to mt_events at
        // start-up); in Production they come from Marten's commands (docs/operations.md).
        services.AddSingleton<IHostedService>(sp => new CreateSchemaOutsideProduction(
            sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<IHostEnvironment>()));
        if (runProjectionDaemon)
        {
            marten.AddAsyncDaemon(DaemonMode.HotCold);
        }
        return marten;
    }

    /// <summary>
    /// Everything about the events: Guid stream ids, every domain event under its stable name (CLR type names never
    /// reach the database), correlation and causation ids and headers (actor, trace parent) stored with each event,
    /// camelCase JSON with enums as strings, and the sealing of personal data.
    /// </summary>
    public static void Configure(StoreOptions options, string schema, EventSealing sealing)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sealing);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // One statement per append inside Marten's transaction; Rich costs two more round trips (the sequence and the
        // stream's state) before it. Of the two quick modes, this one stores the timestamps the application's clock
        // gave (Events.TimeProvider), which the inline read models have seen; plain Quick stores the server's now().
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
        {
            json.Converters.Add(NulRefusingStrings.Converter);
            json.Converters.Add(sealing.Converter);
        });
        // An async projection must never skip an event whose transaction commits late: before skipping a gap in the
        // sequence, the daemon looks for a live transaction that could still fill it and waits it out (Marten's default,
        // stated here because DaemonTests pin it: with it off, a transaction held for seconds loses its event).
        options.Projections.UseTransactionEvidenceForGapSkipping = true;
        // Our own partial index for the operators' case page (OperatorSchema), which Marten's migrations leave alone.
        options.Events.IgnoreIndex("mt_events_operator_action_subject");
        options.Listeners.Add(sealing.Listener);
        // Which case each stream is of: the sealing seals a stream's later events for it, and erasure scrubs by it.
        var caseStreams = new CaseStreamsProjection(sealing.KeySchema);
        options.Projections.Add(caseStreams, ProjectionLifecycle.Inline, caseStreams.Name);
        options.Listeners.Add(new StableNamesOnly());
        options.Listeners.Add(new AppendTracing());
        foreach (var (name, type) in DomainEvents.All)
        {
            options.Events.MapEventType(type, name);
        }
        // Every aggregate is folded by its own Evolve when a command loads it (FetchForWriting) or a page reads it.
        options.Projections.Add(new EvolveAggregation<Case>(Case.Initial, Case.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new EvolveAggregation<ErasureRequest>(ErasureRequest.Initial, ErasureRequest.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new EvolveAggregation<PlatformReport>(PlatformReport.Initial, PlatformReport.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new EvolveAggregation<ApComplaint>(ApComplaint.Initial, ApComplaint.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new EvolveAggregation<Letter>(Letter.Initial, Letter.Evolve), ProjectionLifecycle.Live);
        options.Projections.Add(new EvolveAggregation<EvidenceDiary>(EvidenceDiary.Initial, EvidenceDiary.Evolve), ProjectionLifecycle.Live);
    }

    /// <summary>
    /// The read models dashboards and pages query with SQL, as inline projections into tables of
    /// <paramref name="readModelSchema"/> (docs/event-store.md says which and why). The webhook fan-out is added by
    /// the webhook setup, which knows the outbox.
    /// </summary>
    public static void AddReadModels(StoreOptions options, string readModelSchema, DeadlineEngine engine)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var projection in new TableProjection[]
        {
            new CaseOverviewProjection(readModelSchema), new RequestOverviewProjection(readModelSchema, engine),
            new LetterOverviewProjection(readModelSchema), new PlatformTicketProjection(readModelSchema), new AnswerTimeProjection(),
            new DirectoryAnswerTimesProjection(readModelSchema, engine),
        })
        {
            options.Projections.Add(projection, ProjectionLifecycle.Inline, projection.Name);
        }
    }

    /// <summary>Stamps the events this session appends with who and what caused them.</summary>
    public static void Stamp(this IDocumentSession session, EventMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(metadata);
        session.CorrelationId = metadata.CorrelationId;
        session.CausationId = metadata.CausationId;
        if (metadata.Actor is { } actor)
        {
            session.SetHeader(ActorHeader, actor);
        }
        if ((metadata.TraceParent ?? Activity.Current?.Id) is { } traceParent)
        {
            session.SetHeader(TraceParentHeader, traceParent);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is Marten's way of saying a stream changed since it was loaded (or already
    /// exists): the API answers it with a 409.
    /// </summary>
    public static bool IsConcurrencyConflict(Exception exception) =>
        exception is EventStreamUnexpectedMaxEventIdException or ConcurrencyException
            or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException;

    private sealed class CreateSchemaOutsideProduction(IDocumentStore store, IHostEnvironment environment) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            environment.IsProduction() ? Task.CompletedTask : store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
