using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Takedown.Platforms.Reports;
using Takedown.Platforms.Webhooks;
using Takedown.Sandbox;

using Takedown.Testing;

namespace Takedown.Platforms.Tests.Reports;

/// <summary>A webhook as our receiver saw it: the verification outcome and the raw body.</summary>
public sealed record ReceivedWebhook(WebhookVerification Verification, string Body);

/// <summary>
/// The sandbox platform on Kestrel at 127.0.0.1 and, beside it, a small receiver for its status webhooks that
/// verifies them with <see cref="WebhookVerifier"/>. Real sockets on both sides.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public static readonly string WebhookSecretValue = Takedown.Testing.PythonSigner.NewSecret();

    private WebApplication? _sandbox;
    private WebApplication? _receiver;

    public Uri SandboxUrl { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public ConcurrentQueue<ReceivedWebhook> Webhooks { get; } = new();

    public async Task InitializeAsync()
    {
        var receiverBuilder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        receiverBuilder.Logging.ClearProviders();
        _receiver = receiverBuilder.Build();
        var verifier = new WebhookVerifier(TimeProvider.System);
        var secrets = new[] { WebhookSecret.Parse(WebhookSecretValue) };
        _receiver.MapPost("/webhooks/sandbox", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var verification = verifier.Verify(request.Headers, buffer.ToArray(), secrets);
            Webhooks.Enqueue(new ReceivedWebhook(verification, System.Text.Encoding.UTF8.GetString(buffer.ToArray())));
            return verification == WebhookVerification.Valid ? Results.NoContent() : Results.Unauthorized();
        });
        await _receiver.StartAsync();
        var receiverUrl = Address(_receiver);

        _sandbox = SandboxApp.Build([
            "--urls", "http://127.0.0.1:0",
            "--Sandbox:WebhookUrl", receiverUrl + "webhooks/sandbox",
            "--Sandbox:WebhookSecret", WebhookSecretValue,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await _sandbox.StartAsync();
        SandboxUrl = new Uri(Address(_sandbox));
        Control = new HttpClient { BaseAddress = SandboxUrl };
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.StopAsync();
            await _sandbox.DisposeAsync();
        }
        if (_receiver is not null)
        {
            await _receiver.StopAsync();
            await _receiver.DisposeAsync();
        }
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/";

    public async Task ResetAsync()
    {
        (await Control.PostAsync("sandbox/reset", null)).EnsureSuccessStatusCode();
        Webhooks.Clear();
    }

    public async Task ScriptAsync(params ScenarioStep[] steps)
    {
        (await Control.PostAsJsonAsync("sandbox/scenario", new Scenario(steps))).EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<Filing>> FilingsAsync() =>
        (await Control.GetFromJsonAsync<List<Filing>>("sandbox/filings", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public async Task<IReadOnlyList<ComplaintFiling>> ComplaintsAsync() =>
        (await Control.GetFromJsonAsync<List<ComplaintFiling>>("sandbox/complaints", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public async Task<IReadOnlyList<CallRecord>> CallsAsync() =>
        (await Control.GetFromJsonAsync<List<CallRecord>>("sandbox/calls", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public async Task<int> TokensIssuedAsync() =>
        (await Control.GetFromJsonAsync<JsonElement>("sandbox/tokens")).GetProperty("issued").GetInt32();

    /// <summary>A client side as the application wires it: configuration → AddPlatformClients → IPlatformReportApis.</summary>
    public ServiceProvider Clients(string auth = "ApiKey", TimeProvider? time = null, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Platforms:Sandbox:BaseUrl"] = SandboxUrl.ToString(),
            ["Platforms:Sandbox:ResponseTarget"] = "1.00:00:00",
            ["Platforms:Sandbox:Categories:0"] = "privacy",
            ["Platforms:Sandbox:Categories:1"] = "harassment",
            ["Platforms:Sandbox:Auth:Kind"] = auth,
            ["Platforms:Sandbox:Resilience:BaseDelay"] = "00:00:00.010",
            ["Platforms:Sandbox:Resilience:AttemptTimeout"] = "00:00:05",
            ["Platforms:Sandbox:Resilience:TotalTimeout"] = "00:00:30",
        };
        if (auth == "ApiKey")
        {
            settings["Platforms:Sandbox:Auth:Header"] = "X-Api-Key";
            settings["Platforms:Sandbox:Auth:Key"] = "sandbox-key";
        }
        else if (auth == "OAuth2ClientCredentials")
        {
            settings["Platforms:Sandbox:Auth:TokenUrl"] = new Uri(SandboxUrl, "oauth/token").ToString();
            settings["Platforms:Sandbox:Auth:ClientId"] = "takedown";
            settings["Platforms:Sandbox:Auth:ClientSecret"] = "sandbox-secret";
        }
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddPlatformClients(configuration);
        return services.BuildServiceProvider();
    }
}
