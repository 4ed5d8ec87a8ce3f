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
using Takedown.Domain;
using Takedown.Domain.EvidenceDiaries;
using Takedown.EventStore;
using Weasel.Core;

namespace Takedown.Application.EventStorage;

/// <summary>
/// Marten as the event store, configured once for both hosts (and for the tests and benchmarks that build a store of
/// their own). It runs on the same database as the stand-in store, in a schema of its own, while streams move over.
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
            // The stand-in's protection and key table: one key per case for both stores while streams move over.
            var standIn = sp.GetRequiredService<EventStoreOptions>();
            return new EventSealing(
                standIn.Protection ?? throw new InvalidOperationException("Personal data protection is not configured; events would be stored in the clear."),
                sp.GetRequiredService<NpgsqlDataSource>(), standIn.Schema, schema, DomainEvents.All.Values, sp.GetRequiredService<TimeProvider>());
        });
        var marten = services.AddMarten(sp =>
        {
            var options = new StoreOptions();
            Configure(options, schema, sp.GetRequiredService<EventSealing>());
            options.AutoCreateSchemaObjects = sp.GetRequiredService<IHostEnvironment>().IsProduction() ? AutoCreate.None : AutoCreate.CreateOrUpdate;
            return options;
        }).UseNpgsqlDataSource().UseLightweightSessions();
        if (runProjectionDaemon)
        {
            marten.AddAsyncDaemon(DaemonMode.HotCold);
        }
        return marten;
    }

    /// <summary>
    /// Everything about the events: Guid stream ids, every domain event under its stable name (CLR type names never
    /// reach the database), correlation and causation ids and headers (actor, trace parent) stored with each event,
    /// camelCase JSON with enums as strings (as the stand-in stores them), and the sealing of personal data.
    /// </summary>
    public static void Configure(StoreOptions options, string schema, EventSealing sealing)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sealing);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // One statement per append inside Marten's transaction; Rich costs two more round trips (the sequence and the
        // stream's state) before it. Quick was the fastest mode in docs/benchmarks.md; our events carry their own
        // timestamps, so the server's clock is not needed for them.
        options.Events.AppendMode = EventAppendMode.Quick;
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
        options.Listeners.Add(sealing.Listener);
        options.Listeners.Add(new StableNamesOnly());
        foreach (var (name, type) in DomainEvents.All)
        {
            options.Events.MapEventType(type, name);
        }
        // Streams on Marten so far (docs/event-store.md); the others still live in the stand-in.
        options.Projections.Add(new EvolveAggregation<EvidenceDiary>(EvidenceDiary.Initial, EvidenceDiary.Evolve), ProjectionLifecycle.Live);
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
    /// exists): the same 409 as the stand-in's <see cref="StreamVersionConflictException"/>.
    /// </summary>
    public static bool IsConcurrencyConflict(Exception exception) =>
        exception is StreamVersionConflictException or EventStreamUnexpectedMaxEventIdException or ConcurrencyException
            or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException;
}
