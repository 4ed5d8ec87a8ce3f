using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Takedown.Api.Tests.Telemetry;

/// <summary>
/// A real OTLP/HTTP receiver on loopback (protobuf, the exporter's <c>http/protobuf</c> protocol): keeps every
/// request body as sent and decodes spans and metric names with a reader of the few protobuf fields it needs.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _bodies = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every body received so far, per signal (<c>traces</c>, <c>metrics</c>, <c>logs</c>).</summary>
    public IReadOnlyList<(string Signal, byte[] Body)> Bodies => [.. _bodies];

    public IReadOnlyList<ExportedSpan> Spans =>
        [.. _bodies.Where(b => b.Signal == "traces").SelectMany(b => Otlp.DecodeSpans(b.Body))];

    public IReadOnlyCollection<string> MetricNames =>
        [.. _bodies.Where(b => b.Signal == "metrics").SelectMany(b => Otlp.DecodeMetricNames(b.Body)).Distinct()];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            if (request.ContentType != "application/x-protobuf")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            receiver._bodies.Enqueue((signal, buffer.ToArray()));
            // An empty Export…ServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One span as exported, with its service and instrumentation scope.</summary>
public sealed record ExportedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    public override string ToString() => $"{Service}/{Scope}: {Name} ({SpanId} <- {ParentSpanId})";
}

/// <summary>Just enough of the OTLP protobuf schema (opentelemetry-proto, trace/metrics v1) to read spans and metric names.</summary>
internal static class Otlp
{
    // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2;
    // ScopeSpans.scope = 1, .spans = 2; Span.trace_id = 1, .span_id = 2, .parent_span_id = 4, .name = 5, .kind = 6,
    // .attributes = 9; Resource.attributes = 1; KeyValue.key = 1, .value = 2; AnyValue.string_value = 1, .int_value = 3.
    public static IEnumerable<ExportedSpan> DecodeSpans(byte[] body)
    {
        foreach (var resourceSpans in Protobuf.Messages(body, 1))
        {
            var service = "";
            foreach (var resource in Protobuf.Messages(resourceSpans, 1))
            {
                service = Attributes(resource, 1).GetValueOrDefault("service.name", "");
            }
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                var scope = Protobuf.Messages(scopeSpans, 1).Select(s => Protobuf.String(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    yield return new ExportedSpan(
                        service, scope,
                        Hex(Protobuf.Bytes(span, 1)), Hex(Protobuf.Bytes(span, 2)), Hex(Protobuf.Bytes(span, 4)),
                        Protobuf.String(span, 5) ?? "", (int)Protobuf.Varint(span, 6), Attributes(span, 9));
                }
            }
        }
    }

    // ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.scope_metrics = 2; ScopeMetrics.metrics = 2; Metric.name = 1.
    public static IEnumerable<string> DecodeMetricNames(byte[] body) =>
        from resource in Protobuf.Messages(body, 1)
        from scope in Protobuf.Messages(resource, 2)
        from metric in Protobuf.Messages(scope, 2)
        select Protobuf.String(metric, 1) ?? "";

    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Protobuf.Messages(message, field))
        {
            var key = Protobuf.String(keyValue, 1) ?? "";
            var value = Protobuf.Messages(keyValue, 2).FirstOrDefault();
            attributes[key] = Protobuf.String(value, 1) ?? Protobuf.Varint(value, 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return attributes;
    }

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);
}

/// <summary>A reader of protobuf's wire format: varints, fixed 32/64-bit and length-delimited fields.</summary>
internal static class Protobuf
{
    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Number == field && f.WireType == 2).Select(f => f.Bytes);

    public static ReadOnlyMemory<byte> Bytes(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).LastOrDefault();

    public static string? String(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Number == field && f.WireType == 2).Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes.Span)).LastOrDefault();

    public static ulong Varint(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Number == field && f.WireType == 0).Select(f => f.Varint).LastOrDefault();

    private static List<(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ulong, ReadOnlyMemory<byte>)>();
        var position = 0;
        var span = message.Span;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add((number, wireType, ReadVarint(span, ref position), default));
                    break;
                case 1:
                    fields.Add((number, wireType, 0, message.Slice(position, 8)));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add((number, wireType, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add((number, wireType, 0, message.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {wireType} of field {number} is not protobuf 3.");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException("Varint longer than 64 bits.");
    }
}
