using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Api.Operator;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using Takedown.EventStore;
using Takedown.Testing;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// The API host on a real Kestrel socket on 127.0.0.1 (the browser needs one), on a database of its own, with an
/// operator and a supervisor account.
/// </summary>
public sealed class OperatorHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorId = "olga";
    public const string SupervisorId = "sam";
    public const string Password = "correct horse battery staple";

    public string ConnectionString { get; private set; } = "";

    public string BaseUrl { get; private set; } = "";

    public EventStore.EventStore Store => Services.GetRequiredService<EventStore.EventStore>();

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("operator");
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Takedown", ConnectionString);
        var hash = OperatorAccounts.HashPassword(Password);
        builder.UseSetting($"Operators:Accounts:{OperatorId}:PasswordHash", hash);
        builder.UseSetting($"Operators:Accounts:{OperatorId}:Role", "operator");
        builder.UseSetting($"Operators:Accounts:{SupervisorId}:PasswordHash", hash);
        builder.UseSetting($"Operators:Accounts:{SupervisorId}:Role", "supervisor");
        builder.UseSetting("RateLimits:OperatorSignIn:PerMinute", "1000");
    }

    /// <summary>An open case opened by an integration, with one erasure request whose answer is <paramref name="overdueBy"/> late.</summary>
    public async Task<(Guid CaseId, string Reference, Guid RequestId)> CaseWithOverdueRequestAsync(string controller, TimeSpan overdueBy)
    {
        var (caseId, reference) = await OpenCaseAsync(EscalationMode.OperatorReview);
        var requestId = Guid.NewGuid();
        var sentAt = DateTimeOffset.UtcNow.AddMonths(-1) - overdueBy - TimeSpan.FromDays(2);
        await AppendAsync(requestId,
            new ErasureRequestDrafted(requestId, caseId, controller, "privacy@example.org", "NL", ["naam", "adres"], ["https://example.org/p/1"], sentAt),
            new ErasureRequestApproved(requestId, sentAt),
            new ErasureRequestSent(requestId, DateOnly.FromDateTime(sentAt.UtcDateTime), sentAt));
        return (caseId, reference, requestId);
    }

    /// <summary>A case whose erasure request missed its deadline and an AP complaint prepared from it, waiting for review.</summary>
    public async Task<(Guid CaseId, string Reference, Guid ComplaintId)> CaseWithPreparedComplaintAsync(string controller)
    {
        var (caseId, reference, requestId) = await CaseWithOverdueRequestAsync(controller, TimeSpan.FromDays(10));
        var complaintId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await AppendAsync(requestId, new DeadlineMissed(requestId, DateOnly.FromDateTime(now.UtcDateTime.AddDays(-10)), now));
        await AppendAsync(complaintId, new ApComplaintPrepared(complaintId, requestId, caseId,
            ["1 januari: verzoek verzonden.", "1 februari: de termijn verstreek zonder antwoord."],
            $"Geachte Autoriteit Persoonsgegevens, {controller} heeft niet op tijd geantwoord.", now));
        return (caseId, reference, complaintId);
    }

    /// <summary>A platform report filed and decided (removed or refused) <paramref name="afterDays"/> days later.</summary>
    public async Task<Guid> DecidedPlatformReportAsync(Guid caseId, string platform, ReportCategory category, bool removed, double afterDays)
    {
        var reportId = Guid.NewGuid();
        var filedAt = DateTimeOffset.UtcNow.AddDays(-afterDays - 1);
        await AppendAsync(reportId,
            new PlatformReportDrafted(reportId, caseId, platform, ["https://example.org/post/1"], category, "Mijn adres staat online.", "A. Melder", "melder@example.org", true, filedAt),
            new PlatformReportFiled(reportId, "T-" + reportId.ToString("N")[..8], filedAt),
            removed
                ? new ContentRemoved(reportId, filedAt.AddDays(afterDays))
                : new ContentRemovalRefused(reportId, "Geen schending van onze regels.", filedAt.AddDays(afterDays)));
        return reportId;
    }

    public async Task<(Guid CaseId, string Reference)> OpenCaseAsync(EscalationMode mode)
    {
        var caseId = Guid.NewGuid();
        var reference = "TD-" + caseId.ToString("N")[..8].ToUpperInvariant();
        await using var session = Store.LightweightSession(new EventMetadata("seed", null, "integration:test"));
        session.Events.StartStream(caseId, new CaseOpened(caseId, reference, "nl", mode, DateTimeOffset.UtcNow.AddDays(-60)));
        await session.SaveChangesAsync();
        return (caseId, reference);
    }

    public async Task AppendAsync(Guid streamId, params object[] events)
    {
        await using var session = Store.LightweightSession(new EventMetadata("seed", null, "system"));
        session.Events.Append(streamId, events);
        await session.SaveChangesAsync();
    }
}
