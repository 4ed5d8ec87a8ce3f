using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Takedown.Benchmarks.Webhooks;

/// <summary>
/// The webhook benchmark's baseline: an ASP.NET Core host of its own (Kestrel on 127.0.0.1, the same framework and
/// Npgsql as the API) whose one endpoint does a raw INSERT of the body and nothing else. It runs as a separate process
/// beside the API, so the production API carries no benchmark endpoint.
/// </summary>
public static class BaselineHost
{
    public const string Mode = "webhook-baseline-host";

    public static async Task RunAsync(int port, string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand(
            "CREATE SCHEMA IF NOT EXISTS takedown; CREATE TABLE IF NOT EXISTS takedown.bench_webhook_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var app = builder.Build();
        app.MapGet("/health/ready", () => TypedResults.Ok());
        app.MapPost("/benchmarks/webhook-baseline", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            await using var command = dataSource.CreateCommand("INSERT INTO takedown.bench_webhook_baseline (body) VALUES (@body)");
            command.Parameters.AddWithValue("body", body);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return TypedResults.Ok();
        });
        await app.RunAsync();
    }
}
