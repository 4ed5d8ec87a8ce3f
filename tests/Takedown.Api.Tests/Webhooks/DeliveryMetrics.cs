using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>One measurement of <c>takedown.webhooks.deliveries</c> with its labels.</summary>
public sealed record DeliveryMeasurement(string? Direction, string? Integration, string? Outcome, string? Reason, IReadOnlyList<string> Labels);

/// <summary>
/// Listens to <c>takedown.webhooks.deliveries</c> in this process, as an exporter would, from creation to disposal.
/// Every host in the test process shares the meter, so tests look only at the labels their own calls produce.
/// </summary>
public sealed class DeliveryMetrics : IDisposable
{
    private readonly MeterListener _listener = new();

    public DeliveryMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Takedown" && instrument.Name == "takedown.webhooks.deliveries")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var labels = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                labels[tag.Key] = tag.Value?.ToString();
            }
            for (var i = 0; i < value; i++)
            {
                Measurements.Enqueue(new DeliveryMeasurement(
                    labels.GetValueOrDefault("direction"), labels.GetValueOrDefault("integration"), labels.GetValueOrDefault("outcome"),
                    labels.GetValueOrDefault("reason"), [.. labels.Keys]));
            }
        });
        _listener.Start();
    }

    public ConcurrentQueue<DeliveryMeasurement> Measurements { get; } = new();

    public int Count(string direction, string integration, string outcome, string? reason = null) =>
        Measurements.Count(m => m.Direction == direction && m.Integration == integration && m.Outcome == outcome && (reason is null || m.Reason == reason));

    public void Dispose() => _listener.Dispose();
}
