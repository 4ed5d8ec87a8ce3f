using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Takedown.Application;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Testing;
using Takedown.Application.EventStorage;
using Marten;

namespace Takedown.Api.Tests;

/// <summary>The API host in-process on a database of its own, with two integration partners.</summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PartnerKey = "test-partner-key-0123456789";
    public const string OtherPartnerKey = "other-partner-key-0123456789";
    public const string ReadOnlyKey = "read-only-key-0123456789";
    public const string InboundSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string OperatorId = "otto";
    public const string OperatorPassword = "operator password for the api tests";

    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string ConnectionString { get; private set; } = "";

    /// <summary>Every log entry of the host, to look for personal data in.</summary>
    public Security.CapturedLogs Logs { get; } = new();

    /// <summary>The real SMTP server the in-process worker sends letters to.</summary>
    public SmtpTestServer Smtp { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("api");
        await Smtp.InitializeAsync();
        _ = Server;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
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
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.UseSetting("Privacy:MasterKey", _masterKey);
        builder.UseSetting("ConnectionStrings:Takedown", ConnectionString);
        builder.UseSetting("Worker:RunInProcess", "true");
        builder.UseSetting("Mail:Host", Smtp.Host);
        builder.UseSetting("Mail:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Mail:EnableStartTls", "false");
        builder.UseSetting("Mail:FromAddress", "brieven@takedown.example");
        builder.UseSetting("Letters:ReplyDomain", "takedown.example");
        builder.UseSetting("Letters:ReplySecret", "test-reply-secret-0123456789abcdef");
        builder.UseSetting("Mail:Inbound:Secrets:0", InboundSecret);
        builder.UseSetting("Integrations:Partners:test:ApiKeySha256", Sha(PartnerKey));
        builder.UseSetting("Integrations:Partners:test:Scopes:0", "cases:read");
        builder.UseSetting("Integrations:Partners:test:Scopes:1", "cases:write");
        builder.UseSetting("Integrations:Partners:test:Scopes:2", "webhooks:manage");
        builder.UseSetting("Integrations:Partners:other:ApiKeySha256", Sha(OtherPartnerKey));
        builder.UseSetting("Integrations:Partners:other:Scopes:0", "cases:read");
        builder.UseSetting("Integrations:Partners:other:Scopes:1", "cases:write");
        builder.UseSetting("Integrations:Partners:other:Scopes:2", "webhooks:manage");
        builder.UseSetting("Integrations:Partners:reader:ApiKeySha256", Sha(ReadOnlyKey));
        builder.UseSetting("Integrations:Partners:reader:Scopes:0", "cases:read");
        // The platform registry: a report is drafted only for a platform in it. Nothing listens at its address, so a report
        // approved here (the contract test approves one) fails to be filed and waits for its next attempt.
        builder.UseSetting("Platforms:Sandbox:BaseUrl", "http://127.0.0.1:9/");
        builder.UseSetting("Platforms:Sandbox:ResponseTarget", "3.00:00:00");
        builder.UseSetting("Platforms:Sandbox:Categories:0", "Doxing");
        builder.UseSetting("Platforms:Sandbox:Resilience:MaxRetries", "0");
        builder.UseSetting($"Operators:Accounts:{OperatorId}:PasswordHash", Takedown.Api.Operator.OperatorAccounts.HashPassword(OperatorPassword));
        builder.UseSetting($"Operators:Accounts:{OperatorId}:Role", "operator");
    }

    /// <summary>Opens a case for the partner and returns its id.</summary>
    public static async Task<Guid> OpenCaseAsync(HttpClient partner, string language = "nl", string mode = "OperatorReview", string victimEmail = "anna@slachtoffer.example")
    {
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(partner, "/api/v1/cases",
            new { victimName = "Anna de Vries", victimEmail, language, escalationMode = mode });
        response.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content))
            .GetProperty("id").GetGuid();
    }

    /// <summary>Waits until the in-process worker has sent the erasure request's letter.</summary>
    public async Task WaitUntilSentAsync(Guid requestId)
    {
        var store = Services.GetRequiredService<IDocumentStore>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await store.AggregateStreamAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve)).State.Status != ErasureRequestStatus.Sent)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The erasure request's letter was not sent within 30 s.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Records the controller's answer on an erasure request as an operator's confirmation of a reply would, once the
    /// letter was sent (an answer needs a request that was received).
    /// </summary>
    public async Task AnswerErasureRequestAsync(Guid requestId, ErasureOutcome outcome, string reasons = "Wij hebben een gerechtvaardigd belang.")
    {
        await WaitUntilSentAsync(requestId);
        var store = Services.GetRequiredService<IDocumentStore>();
        var engine = Services.GetRequiredService<DeadlineEngine>();
        await using var session = store.LightweightSession(new EventMetadata("test", null, "operator:test"));
        await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve,
            state => ErasureRequest.Decide(new RecordErasureAnswer(requestId, outcome, reasons, DateTimeOffset.UtcNow), state, engine));
        await session.SaveChangesAsync();
    }

    private static string Sha(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
