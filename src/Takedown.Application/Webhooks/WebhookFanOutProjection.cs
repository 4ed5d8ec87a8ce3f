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
        List<DeliverWebhook>? deliveries = null;
        foreach (var e in outgoing)
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
            // Subscriptions and the case's owner were committed before (a case is opened before its requests change status).
            await using var command = dataSource.CreateCommand($"""
                SELECT s.id FROM {schema}.case_overview c
                JOIN {schema}.webhook_subscriptions s ON s.owner = c.owner
                WHERE c.id = $1 AND s.disabled_at IS NULL AND (cardinality(s.event_types) = 0 OR $2 = ANY (s.event_types))
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = caseId });
            command.Parameters.Add(new NpgsqlParameter { Value = type });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var payload = new OutgoingWebhookPayload(type, at, new OutgoingWebhookData(e.Id, caseId, e.StreamId, kind, status, at));
                (deliveries ??= []).Add(new DeliverWebhook(reader.GetGuid(0), "evt_" + e.Id.ToString("N"), type, JsonSerializer.Serialize(payload, Json)));
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
