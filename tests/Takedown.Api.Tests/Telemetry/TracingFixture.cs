using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Takedown.Testing;

namespace Takedown.Api.Tests.Telemetry;

/// <summary>
/// Two processes exporting to one real OTLP receiver: the API in this process (no worker in it) and
/// Takedown.Worker started as a second OS process, both on one database and one SMTP server.
/// </summary>
public sealed class TracingFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PartnerKey = "tracing-partner-key-0123456789";

    private readonly StringBuilder _workerOutput = new();
    private Process? _worker;

    public string ConnectionString { get; private set; } = "";

    public SmtpTestServer Smtp { get; } = new();

    public OtlpReceiver Receiver { get; private set; } = null!;

    /// <summary>What the worker process wrote (for failure messages).</summary>
    public string WorkerOutput
    {
        get
        {
            lock (_workerOutput)
            {
                return _workerOutput.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("tracing");
        await Smtp.InitializeAsync();
        Receiver = await OtlpReceiver.StartAsync();
        _ = Server;
        await StartWorkerAsync();
    }

    public new async Task DisposeAsync()
    {
        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            await _worker.WaitForExitAsync();
        }
        _worker?.Dispose();
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        await Smtp.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    public HttpClient Partner()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PartnerKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in SharedSettings("takedown-api"))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Worker:RunInProcess", "false");
        builder.UseSetting("Integrations:Partners:tracing:ApiKeySha256", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(PartnerKey))));
        builder.UseSetting("Integrations:Partners:tracing:Scopes:0", "cases:read");
        builder.UseSetting("Integrations:Partners:tracing:Scopes:1", "cases:write");
    }

    private Dictionary<string, string> SharedSettings(string service) => new()
    {
        ["ConnectionStrings:Takedown"] = ConnectionString,
        ["Mail:Host"] = Smtp.Host,
        ["Mail:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:EnableStartTls"] = "false",
        ["Mail:FromAddress"] = "brieven@takedown.example",
        ["Letters:ReplyDomain"] = "takedown.example",
        ["Letters:ReplySecret"] = "tracing-reply-secret-0123456789abcdef",
        ["Messaging:PollingInterval"] = "00:00:00.200",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = service,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    private async Task StartWorkerAsync()
    {
        // tests/Takedown.Api.Tests/bin/{Configuration}/net10.0/ → src/Takedown.Worker/bin/{Configuration}/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Takedown.Worker", "bin", configuration, output.Name, "Takedown.Worker.dll");
        File.Exists(dll).ShouldBeTrue($"The worker is built with the tests (project reference): {dll}");
        var port = FreePort();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in SharedSettings("takedown-worker"))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        _worker = Process.Start(start)!;
        _worker.OutputDataReceived += (_, e) => Keep(e.Data);
        _worker.ErrorDataReceived += (_, e) => Keep(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // A loaded machine (the other test assemblies run beside this one) can take a while to start a process.
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until && !_worker.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("The worker process did not become ready:\n" + WorkerOutput);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_workerOutput)
        {
            _workerOutput.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
