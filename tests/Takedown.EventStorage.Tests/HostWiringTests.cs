using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application;
using Takedown.Application.EventStorage;
using Takedown.Domain.Cases;
using Takedown.Testing;

namespace Takedown.EventStorage.Tests;

/// <summary>Marten as both hosts get it from <c>AddTakedownCore</c>: on their data source, sealing with their keys.</summary>
public sealed class HostWiringTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_hosts_store_sealed_events_under_stable_names()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Takedown"] = _database.ConnectionString });
        builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: true);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var caseId = Guid.CreateVersion7();
            await using (var session = host.Services.GetRequiredService<IDocumentSession>())
            {
                session.Stamp(new EventMetadata("corr", null, "victim"));
                session.Events.StartStream(caseId, new VictimDetailsRecorded(caseId, "Sanne Jansen", "sanne@example.nl", DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                $"SELECT type, data::text FROM {MartenSetup.DefaultSchema}.mt_events WHERE stream_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = caseId });
            await using (var reader = await command.ExecuteReaderAsync())
            {
                (await reader.ReadAsync()).ShouldBeTrue();
                reader.GetString(0).ShouldBe("victim-details-recorded");
                reader.GetString(1).ShouldNotContain("Sanne");
                reader.GetString(1).ShouldNotContain("sanne@example.nl");
            }
            await using var query = host.Services.GetRequiredService<IQuerySession>();
            ((VictimDetailsRecorded)(await query.Events.FetchStreamAsync(caseId)).Single().Data).Email.ShouldBe("sanne@example.nl");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
