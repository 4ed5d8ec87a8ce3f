using Microsoft.Extensions.DependencyInjection;
using Takedown.Messaging.Tests.Support;
using Takedown.Testing;

namespace Takedown.Messaging.Tests;

public sealed class SchemaTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Given_several_hosts_starting_at_once_When_they_create_the_schema_Then_each_version_is_applied_once()
    {
        var schema = Db.NewSchema();
        var providers = Enumerable.Range(0, 4).Select(_ => new ServiceCollection()
            .AddMessaging(o => { o.ConnectionString = database.ConnectionString; o.Schema = schema; })
            .BuildServiceProvider()).ToList();

        await Task.WhenAll(providers.Select(p => p.GetRequiredService<MessagingSchema>().EnsureAsync()));
        await providers[0].GetRequiredService<MessagingSchema>().EnsureAsync();

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messaging_schema_versions")).ShouldBe(MessagingSchema.CurrentVersion);
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task Finding_due_messages_is_an_index_range_scan_on_scheduled_at()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        await Db.CountAsync(database.ConnectionString,
            $"""
            WITH x AS (INSERT INTO {schema}.messages (id, message_type, body, headers, scheduled_at, created_at)
                       SELECT gen_random_uuid(), 'test-record-effect', jsonb_build_object(), jsonb_build_object(), now() + i * interval '1 minute', now()
                       FROM generate_series(1, 20000) i RETURNING 1)
            SELECT count(*) FROM x
            """);
        await Db.CountAsync(database.ConnectionString, $"ANALYZE {schema}.messages; SELECT 1");

        var sql = new MessagingSql(schema).Claim
            .Replace("@owner", "'w'", StringComparison.Ordinal).Replace("@until", "now()", StringComparison.Ordinal)
            .Replace("@now", "now()", StringComparison.Ordinal).Replace("@limit", "20", StringComparison.Ordinal);
        var plan = await Db.ScalarAsync<string>(database.ConnectionString, $"EXPLAIN (FORMAT JSON) {sql}");

        plan.ShouldNotBeNull().ShouldContain("\"Index Name\": \"messages_due\"");
        plan.ShouldNotContain("Seq Scan");
    }
}
