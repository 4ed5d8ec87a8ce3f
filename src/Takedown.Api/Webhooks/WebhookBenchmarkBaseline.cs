using Npgsql;
using Takedown.EventStore;

namespace Takedown.Api.Webhooks;

/// <summary>
/// The benchmark's baseline: one raw INSERT of the body and nothing else, in the same host as the webhook endpoint.
/// Mapped only when <c>Benchmarks:Enabled=true</c>; never in a real installation.
/// </summary>
public static class WebhookBenchmarkBaseline
{
    private static readonly SemaphoreSlim Created = new(1, 1);
    private static bool _created;

    public static void MapWebhookBenchmarkBaseline(this IEndpointRouteBuilder app) => app
        .MapPost("/benchmarks/webhook-baseline", Insert)
        .AllowAnonymous()
        .ExcludeFromDescription();

    public static async Task<IResult> Insert(HttpRequest request, NpgsqlDataSource dataSource, EventStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        await EnsureTableAsync(dataSource, options.Schema, cancellationToken);
        await using var command = dataSource.CreateCommand($"INSERT INTO {options.Schema}.bench_webhook_baseline (body) VALUES (@body)");
        command.Parameters.AddWithValue("body", body);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return TypedResults.Ok();
    }

    private static async Task EnsureTableAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created))
        {
            return;
        }
        await Created.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await using var create = dataSource.CreateCommand(
                    $"CREATE TABLE IF NOT EXISTS {schema}.bench_webhook_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)");
                await create.ExecuteNonQueryAsync(cancellationToken);
                Volatile.Write(ref _created, true);
            }
        }
        finally
        {
            Created.Release();
        }
    }
}
