using System.Text.Json;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Application.ReadModels;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using Takedown.Messaging;

namespace Takedown.Application.Webhooks;

/// <summary>
/// Turns request status changes into one <see cref="DeliverWebhook"/> message per interested subscription, in the
/// appending transaction: a status change that commits always gets delivered, one that rolls back never does.
/// Only subscriptions of the integration that owns the case are asked (a partner never hears of other partners' cases).
/// The status reported is the request's status right after the event, folded from its stream. A rebuild of the
/// projections never sends a delivery again (<see cref="ReplayAge"/>).
/// </summary>
public sealed class WebhookFanOutProjection(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, string schema, TimeProvider time) : TableProjection
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Events older than this are being replayed (a rebuild of every projection), not appended: their subscribers were
    /// told when they happened, and are not told again.
    /// </summary>
    public static readonly TimeSpan ReplayAge = TimeSpan.FromMinutes(10);

    public override string Name => "webhook-fan-out";

    public override async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replayed = time.GetUtcNow() - ReplayAge;
        var outgoing = events
            .Where(e => OutgoingWebhookEvents.Of(e.Data) is not null && RequestKinds.Of(e.Data) is not null && e.Timestamp >= replayed)
            .ToList();
        if (outgoing.Count == 0)
        {
            return;
        }
        var streams = await WholeStreamsAsync(operations, events, [.. outgoing.Select(e => e.StreamId).Distinct()], cancellation);
        var changes = outgoing.Select(e =>
        {
            var (type, at) = OutgoingWebhookEvents.Of(e.Data)!.Value;
            var kind = RequestKinds.Of(e.Data)!;
            var upToEvent = streams[e.StreamId].TakeWhile(s => s.Id != e.Id).Append(e).Select(s => s.Data).ToList();
            var (caseId, status) = kind switch
            {
                RequestKinds.Erasure => upToEvent.Aggregate(ErasureRequest.Initial, ErasureRequest.Evolve) is var r ? (r.CaseId, r.Status.ToString()) : default,
                RequestKinds.Platform => upToEvent.Aggregate(PlatformReport.Initial, PlatformReport.Evolve) is var p ? (p.CaseId, p.Status.ToString()) : default,
                _ => upToEvent.Aggregate(ApComplaint.Initial, ApComplaint.Evolve) is var c ? (c.CaseId, c.Status.ToString()) : default,
            };
            return (Event: e, Type: type, At: at, Kind: kind, CaseId: caseId, Status: status);
        }).ToList();
        // The live subscriptions of the cases' owners, in one round trip for the whole batch. They and the cases' owners
        // were committed before (a case is opened before its requests change status).
        var subscriptions = new List<(Guid Case, Guid Subscription, string[] Types)>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT c.id, s.id, s.event_types FROM {schema}.case_overview c
            JOIN {schema}.webhook_subscriptions s ON s.owner = c.owner
            WHERE c.id = ANY($1) AND s.disabled_at IS NULL
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = changes.Select(c => c.CaseId).Distinct().ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                subscriptions.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<string[]>(2)));
            }
        }
        List<DeliverWebhook>? deliveries = null;
        foreach (var change in changes)
        {
            foreach (var subscription in subscriptions.Where(s => s.Case == change.CaseId && (s.Types.Length == 0 || s.Types.Contains(change.Type))))
            {
                var payload = new OutgoingWebhookPayload(change.Type, change.At,
                    new OutgoingWebhookData(change.Event.Id, change.CaseId, change.Event.StreamId, change.Kind, change.Status, change.At));
                (deliveries ??= []).Add(new DeliverWebhook(
                    subscription.Subscription, "evt_" + change.Event.Id.ToString("N"), change.Type, JsonSerializer.Serialize(payload, Json)));
            }
        }
        if (deliveries is null)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var outbox = scope.ServiceProvider.GetService<MessageOutbox>()
            ?? throw new InvalidOperationException("Webhook deliveries need the messaging outbox: call AddTakedownMessaging in this host.");
        foreach (var delivery in deliveries)
        {
            outbox.Publish(delivery);
        }
        outbox.QueueIn(operations);
    }
}
