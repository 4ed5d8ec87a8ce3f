extern alias sandbox;

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Takedown.Testing;
using SandboxApp = sandbox::Takedown.Sandbox.SandboxApp;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// The host on a real Kestrel server on 127.0.0.1, its own database, a real SMTP server for the sign-in mails and
/// letters, the sandbox platform on Kestrel (platform <c>Sandbox</c> with a report API; <c>SandboxMail</c> takes
/// notices by e-mail only, into the SMTP server) and a clock the tests move by hand.
/// </summary>
public sealed partial class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Where the e-mail-only platform <c>SandboxMail</c> takes notices.</summary>
    public const string MailPlatformAddress = "meldingen@sandboxmail.example";

    /// <summary>The secret the platform's status webhooks are signed with (the tests sign them, at the manual clock's time).</summary>
    public static readonly string WebhookSecret = PythonSigner.NewSecret();

    /// <summary>The secret the mail gateway signs inbound mail with (replies to the letters' reply addresses).</summary>
    public static readonly string InboundMailSecret = PythonSigner.NewSecret();

    /// <summary>Operator accounts on the same host: an operator and a supervisor, with one password.</summary>
    public const string OperatorId = "olga";
    public const string SupervisorId = "sam";
    public const string OperatorPassword = "correct horse battery staple";

    private WebApplication? _sandbox;

    public SmtpTestServer Smtp { get; } = new();

    /// <summary>The sandbox platform's control and report API.</summary>
    public HttpClient Sandbox { get; private set; } = null!;

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public string ConnectionString { get; private set; } = "";

    public CollectingLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public PortalFactory() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    public async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        ConnectionString = await PostgresServer.CreateDatabaseAsync("portal");
        _sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await _sandbox.StartAsync();
        Sandbox = new HttpClient
        {
            BaseAddress = new Uri(_sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/"),
        };
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        // Deadline checks wait in Wolverine on the system clock: they move with the test's clock.
        Clock.Moving += () => WolverineSchedule.WaitUntilSettled(ConnectionString);
        Clock.Moved += moved => WolverineSchedule.Shift(ConnectionString, moved);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sandbox is not null)
        {
            Sandbox.Dispose();
            await _sandbox.StopAsync();
            await _sandbox.DisposeAsync();
        }
        await Smtp.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    /// <summary>A client with its own cookies (one browser), not following redirects so tests see them.</summary>
    public HttpClient NewClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = BaseAddress,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Takedown", ConnectionString);
        builder.UseSetting("Portal:EmailKey", "portal-test-email-key-0123456789abcdef");
        builder.UseSetting("RateLimits:PortalSignIn:PerMinute", "1000");
        builder.UseSetting("Mail:Host", Smtp.Host);
        builder.UseSetting("Mail:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Mail:EnableStartTls", "false");
        builder.UseSetting("Mail:FromAddress", "portal@takedown.test");
        builder.UseSetting("Worker:RunInProcess", "true");
        builder.UseSetting("Messaging:PollingInterval", "00:00:00.200");
        builder.UseSetting("Letters:ReplyDomain", "takedown.test");
        builder.UseSetting("Letters:ReplySecret", "portal-test-reply-secret-0123456789");
        builder.UseSetting("Platforms:Sandbox:BaseUrl", Sandbox.BaseAddress!.ToString());
        builder.UseSetting("Platforms:Sandbox:ResponseTarget", "3.00:00:00");
        builder.UseSetting("Platforms:Sandbox:Categories:0", "Doxing");
        builder.UseSetting("Platforms:Sandbox:Auth:Kind", "ApiKey");
        builder.UseSetting("Platforms:Sandbox:Auth:Header", "X-Api-Key");
        builder.UseSetting("Platforms:Sandbox:Auth:Key", "sandbox-key");
        builder.UseSetting("Platforms:SandboxMail:Channel", "Email");
        builder.UseSetting("Platforms:SandboxMail:Email", MailPlatformAddress);
        builder.UseSetting("Platforms:SandboxMail:ResponseTarget", "3.00:00:00");
        builder.UseSetting("Platforms:SandboxMail:Categories:0", "Doxing");
        builder.UseSetting("Mail:Inbound:Secrets:0", InboundMailSecret);
        var hash = Takedown.Api.Operator.OperatorAccounts.HashPassword(OperatorPassword);
        builder.UseSetting($"Operators:Accounts:{OperatorId}:PasswordHash", hash);
        builder.UseSetting($"Operators:Accounts:{OperatorId}:Role", "operator");
        builder.UseSetting($"Operators:Accounts:{SupervisorId}:PasswordHash", hash);
        builder.UseSetting($"Operators:Accounts:{SupervisorId}:Role", "supervisor");
        builder.UseSetting("RateLimits:OperatorSignIn:PerMinute", "1000");
        builder.UseSetting("Webhooks:Incoming:sandbox:Platform", "Sandbox");
        builder.UseSetting("Webhooks:Incoming:sandbox:Secrets:0", WebhookSecret);
        // The inbox processor lingers on the host's clock, which only the tests move: apply at once after a wake-up.
        builder.UseSetting("Webhooks:Inbox:Linger", "00:00:00");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>
    /// Waits for the sign-in mail to <paramref name="email"/> number <paramref name="count"/> and returns its link. Only
    /// sign-in mails count: the same address also receives the notices about the victim's requests.
    /// </summary>
    public Task<Uri> SignInLinkAsync(string email, int count = 1) => SignInLinkAsync(Smtp, email, count);

    /// <summary>Waits for the sign-in mail number <paramref name="count"/> to <paramref name="email"/> on <paramref name="smtp"/>; its link.</summary>
    public static async Task<Uri> SignInLinkAsync(SmtpTestServer smtp, string email, int count = 1)
    {
        for (var i = 0; i < 300; i++)
        {
            var links = smtp.ReceivedFor(email)
                .Select(m => LinkPattern().Match(DecodeQuotedPrintable(Encoding.UTF8.GetString(m.Raw))))
                .Where(m => m.Success)
                .ToList();
            if (links.Count >= count)
            {
                return new Uri(links[count - 1].Value);
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No sign-in mail number {count} arrived.");
    }

    public static string DecodeQuotedPrintable(string raw)
    {
        var joined = raw.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < joined.Length; i++)
        {
            if (joined[i] == '=' && i + 2 < joined.Length && Uri.IsHexDigit(joined[i + 1]) && Uri.IsHexDigit(joined[i + 2]))
            {
                bytes.Add(Convert.ToByte(joined.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(joined[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"http://[a-z0-9.:]+/inloggen/link\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPattern();
}
