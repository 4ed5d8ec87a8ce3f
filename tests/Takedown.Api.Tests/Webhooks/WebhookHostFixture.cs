extern alias sandbox;

using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Takedown.Testing;
using Filing = sandbox::Takedown.Sandbox.Filing;
using CallRecord = sandbox::Takedown.Sandbox.CallRecord;
using ComplaintFiling = sandbox::Takedown.Sandbox.ComplaintFiling;
using SandboxApp = sandbox::Takedown.Sandbox.SandboxApp;
using Scenario = sandbox::Takedown.Sandbox.Scenario;
using ScenarioStep = sandbox::Takedown.Sandbox.ScenarioStep;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>A request an outgoing webhook receiver saw.</summary>
public sealed record ReceivedDelivery(string Id, string Timestamp, string Signature, byte[] Body);

/// <summary>
/// Real sockets everywhere: the API host on Kestrel at 127.0.0.1 with the worker in-process, the sandbox platform on
/// Kestrel (its status webhooks go to the API's <c>/webhooks/sandbox</c>), and a subscriber that receives our
/// outgoing webhooks and answers with a scripted status.
/// </summary>
public sealed class WebhookHostFixture : IAsyncLifetime
{
    public const string PartnerKey = "hooks-partner-key-0123456789";
    public const string OtherKey = "hooks-other-key-0123456789";
    public const string NoWebhooksKey = "hooks-nowebhooks-key-0123456789";

    /// <summary>Where the e-mail-only platform <c>SandboxMail</c> takes notices (a mailbox on the test SMTP server).</summary>
    public const string MailPlatformAddress = "meldingen@sandboxmail.example";

    /// <summary>The sandbox signs with this one; the integration also accepts <see cref="NewSecret"/> (a rotation).</summary>
    public static readonly string OldSecret = PythonSigner.NewSecret();

    public static readonly string NewSecret = PythonSigner.NewSecret();

    private WebApplication? _sandbox;
    private WebApplication? _subscriber;
    private Factory? _api;

    public string ConnectionString { get; private set; } = "";

    public Uri ApiUrl { get; private set; } = null!;

    /// <summary>The API host's services, for what an operator would do on the dashboard (recording an e-mail platform's decision).</summary>
    public IServiceProvider ApiServices => _api!.Services;

    public Uri SandboxUrl { get; private set; } = null!;

    public Uri SubscriberUrl { get; private set; } = null!;

    public HttpClient Sandbox { get; private set; } = null!;

    public ConcurrentQueue<ReceivedDelivery> Deliveries { get; } = new();

    /// <summary>What the subscriber answers.</summary>
    public int SubscriberStatus { get; set; } = 204;

    public SmtpTestServer Smtp { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("webhooks");
        await Smtp.InitializeAsync();

        _sandbox = SandboxApp.Build([
            "--urls", "http://127.0.0.1:0",
            "--Sandbox:WebhookSecret", OldSecret,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _sandbox.StartAsync();
        SandboxUrl = new Uri(Address(_sandbox.Services));
        Sandbox = new HttpClient { BaseAddress = SandboxUrl };

        var subscriberBuilder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        subscriberBuilder.Logging.ClearProviders();
        _subscriber = subscriberBuilder.Build();
        _subscriber.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            Deliveries.Enqueue(new ReceivedDelivery(
                request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), buffer.ToArray()));
            return Results.StatusCode(SubscriberStatus);
        });
        await _subscriber.StartAsync();
        SubscriberUrl = new Uri(Address(_subscriber.Services) + "hooks");

        _api = new Factory(this);
        _api.UseKestrel(0);
        _api.StartServer();
        ApiUrl = new Uri(Address(_api.Services));
        // The sandbox reads its options on its first filing, after this.
        _sandbox.Configuration["Sandbox:WebhookUrl"] = ApiUrl + "webhooks/sandbox";
    }

    public async Task DisposeAsync()
    {
        Sandbox.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        foreach (var app in new[] { _sandbox, _subscriber })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        await Smtp.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    public HttpClient Client(string? key = PartnerKey)
    {
        var client = new HttpClient { BaseAddress = ApiUrl };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    public async Task ScriptAsync(params ScenarioStep[] steps) =>
        (await Sandbox.PostAsJsonAsync("sandbox/scenario", new Scenario(steps))).EnsureSuccessStatusCode();

    public async Task ResetSandboxAsync() => (await Sandbox.PostAsync("sandbox/reset", null)).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<Filing>> FilingsAsync() =>
        (await Sandbox.GetFromJsonAsync<List<Filing>>("sandbox/filings", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public async Task<IReadOnlyList<ComplaintFiling>> ComplaintsAsync() =>
        (await Sandbox.GetFromJsonAsync<List<ComplaintFiling>>("sandbox/complaints", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public async Task<IReadOnlyList<CallRecord>> CallsAsync() =>
        (await Sandbox.GetFromJsonAsync<List<CallRecord>>("sandbox/calls", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    /// <summary>Opens a case, drafts a platform report to the sandbox and approves its notice as shown; the worker files it.</summary>
    public static async Task<(Guid CaseId, Guid ReportId)> DraftReportAsync(HttpClient partner, string platform = "Sandbox")
    {
        var (caseId, reportId) = await DraftOnlyAsync(partner, platform);
        await ApproveAsync(partner, reportId);
        return (caseId, reportId);
    }

    /// <summary>Opens a case and drafts a platform report; nothing is filed until it is approved.</summary>
    public static async Task<(Guid CaseId, Guid ReportId)> DraftOnlyAsync(HttpClient partner, string platform = "Sandbox")
    {
        var caseId = await ApiFactory.OpenCaseAsync(partner, victimEmail: "anna@slachtoffer.example");
        var response = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/platform-reports", new
        {
            platform,
            urls = new[] { "https://forum.example/thread/42#post-7" },
            category = "Doxing",
            explanation = "Het woonadres en telefoonnummer van het slachtoffer zijn zonder toestemming gepubliceerd (Sr art. 285d).",
            notifierName = "Anna de Vries",
            notifierEmail = "anna@slachtoffer.example",
            goodFaithStatement = true,
        });
        response.EnsureSuccessStatusCode();
        return (caseId, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    /// <summary>Reads the notice and approves it with its hash, as a partner does after telling the victim about publication.</summary>
    public static async Task<JsonElement> ApproveAsync(HttpClient partner, Guid reportId)
    {
        var notice = await partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}/notice");
        var approved = await partner.PostAsJsonAsync($"/api/v1/platform-reports/{reportId}/approve", new
        {
            contentSha256 = notice.GetProperty("contentSha256").GetString(),
            victimInformedOfPublication = true,
        });
        approved.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync());
        return notice;
    }

    /// <summary>Polls the report until <paramref name="done"/> holds.</summary>
    public static async Task<JsonElement> ReportWhenAsync(HttpClient partner, Guid reportId, Func<JsonElement, bool> done) =>
        await Eventually.Async(async () =>
        {
            var report = await partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{reportId}");
            return done(report) ? report : (JsonElement?)null;
        });

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Waits until the inbox processor has applied every accepted update.</summary>
    public Task InboxSettledAsync() =>
        Eventually.True(async () => await CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE outcome = 'pending'") == 0);

    /// <summary>The outcome recorded for one webhook id of the sandbox integration.</summary>
    public async Task<string?> InboxOutcomeAsync(string webhookId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT outcome FROM takedown.webhook_inbox WHERE integration = 'sandbox' AND webhook_id = @id", connection);
        command.Parameters.AddWithValue("id", webhookId);
        return await command.ExecuteScalarAsync() as string;
    }

    private static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/";

    private static string Sha(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private sealed class Factory(WebhookHostFixture fixture) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:Takedown"] = fixture.ConnectionString,
                ["Worker:RunInProcess"] = "true",
                ["Messaging:PollingInterval"] = "00:00:00.200",
                ["Mail:Host"] = fixture.Smtp.Host,
                ["Mail:Port"] = fixture.Smtp.Port.ToString(CultureInfo.InvariantCulture),
                ["Mail:EnableStartTls"] = "false",
                ["Mail:FromAddress"] = "brieven@takedown.example",
                ["Letters:ReplyDomain"] = "takedown.example",
                ["Letters:ReplySecret"] = "test-reply-secret-0123456789abcdef",
                ["Integrations:Partners:hooks:ApiKeySha256"] = Sha(PartnerKey),
                ["Integrations:Partners:hooks:Scopes:0"] = "cases:read",
                ["Integrations:Partners:hooks:Scopes:1"] = "cases:write",
                ["Integrations:Partners:hooks:Scopes:2"] = "webhooks:manage",
                ["Integrations:Partners:other:ApiKeySha256"] = Sha(OtherKey),
                ["Integrations:Partners:other:Scopes:0"] = "cases:read",
                ["Integrations:Partners:other:Scopes:1"] = "cases:write",
                ["Integrations:Partners:other:Scopes:2"] = "webhooks:manage",
                ["Integrations:Partners:plain:ApiKeySha256"] = Sha(NoWebhooksKey),
                ["Integrations:Partners:plain:Scopes:0"] = "cases:read",
                ["Platforms:Sandbox:BaseUrl"] = fixture.SandboxUrl.ToString(),
                ["Platforms:Sandbox:ResponseTarget"] = "1.00:00:00",
                ["Platforms:Sandbox:Categories:0"] = "Doxing",
                ["Platforms:Sandbox:Categories:1"] = "Stalking",
                ["Platforms:Sandbox:Auth:Kind"] = "ApiKey",
                ["Platforms:Sandbox:Auth:Header"] = "X-Api-Key",
                ["Platforms:Sandbox:Auth:Key"] = "sandbox-key",
                ["Platforms:Sandbox:Resilience:BaseDelay"] = "00:00:00.050",
                ["Platforms:Sandbox:Resilience:AttemptTimeout"] = "00:00:05",
                ["Platforms:Sandbox:Resilience:TotalTimeout"] = "00:00:30",
                ["Platforms:SandboxMail:Channel"] = "Email",
                ["Platforms:SandboxMail:Email"] = MailPlatformAddress,
                ["Platforms:SandboxMail:ResponseTarget"] = "2.00:00:00",
                ["Platforms:SandboxMail:Categories:0"] = "Doxing",
                ["Webhooks:Incoming:sandbox:Platform"] = "Sandbox",
                ["Webhooks:Incoming:sandbox:Secrets:0"] = OldSecret,
                ["Webhooks:Incoming:sandbox:Secrets:1"] = NewSecret,
                ["Webhooks:Outgoing:MaxAttempts"] = "2",
                ["Webhooks:Outgoing:FirstDelay"] = "00:00:00.100",
                ["Webhooks:Outgoing:MaxDelay"] = "00:00:00.200",
                ["Webhooks:Outgoing:DisableAfterDeadDeliveries"] = "2",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

/// <summary>Waits for a condition the system reaches asynchronously (the worker, a webhook), failing after 30 s.</summary>
public static class Eventually
{
    public static async Task<T> Async<T>(Func<Task<T?>> probe) where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The expected state was not reached within 30 seconds.");
            }
            await Task.Delay(100);
        }
    }

    public static async Task True(Func<Task<bool>> probe) =>
        await Async<bool>(async () => await probe() ? true : null);
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookHostFixture>
{
    public const string Name = "webhooks";
}
