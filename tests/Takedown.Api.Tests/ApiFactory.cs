using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Takedown.Testing;

namespace Takedown.Api.Tests;

/// <summary>The API host in-process on a database of its own, with two integration partners.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PartnerKey = "test-partner-key-0123456789";
    public const string OtherPartnerKey = "other-partner-key-0123456789";
    public const string ReadOnlyKey = "read-only-key-0123456789";

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("api");
        _ = Server;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    public HttpClient ClientFor(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Takedown", ConnectionString);
        builder.UseSetting("Integrations:Partners:test:ApiKeySha256", Sha(PartnerKey));
        builder.UseSetting("Integrations:Partners:test:Scopes:0", "cases:read");
        builder.UseSetting("Integrations:Partners:test:Scopes:1", "cases:write");
        builder.UseSetting("Integrations:Partners:other:ApiKeySha256", Sha(OtherPartnerKey));
        builder.UseSetting("Integrations:Partners:other:Scopes:0", "cases:read");
        builder.UseSetting("Integrations:Partners:other:Scopes:1", "cases:write");
        builder.UseSetting("Integrations:Partners:reader:ApiKeySha256", Sha(ReadOnlyKey));
        builder.UseSetting("Integrations:Partners:reader:Scopes:0", "cases:read");
    }

    private static string Sha(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
