using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Operator;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
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

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

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
        // Dossiers name the request's reply address, signed with this secret.
        builder.UseSetting("Letters:ReplySecret", "operator-test-reply-secret-0123456789");
        // The tests decide when the statistics are computed: no background refresh and no expiry during a run.
        builder.UseSetting("Operator:Statistics:RefreshSeconds", "86400");
        builder.UseSetting("Operator:Statistics:MaxAgeSeconds", "86400");
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

    /// <summary>
    /// A case whose erasure request missed its deadline and an AP complaint prepared from it, waiting for review; with
    /// <paramref name="authorised"/> the victim has signed the authorisation (machtiging) on the case.
    /// </summary>
    public async Task<(Guid CaseId, string Reference, Guid ComplaintId)> CaseWithPreparedComplaintAsync(string controller, bool authorised = false)
    {
        var (caseId, reference, requestId) = await CaseWithOverdueRequestAsync(controller, TimeSpan.FromDays(10));
        if (authorised)
        {
            await AuthoriseAsync(caseId);
        }
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
        session.Events.StartStream(caseId,
            new CaseOpened(caseId, reference, "nl", mode, DateTimeOffset.UtcNow.AddDays(-60)),
            new VictimDetailsRecorded(caseId, "Anna de Vries", $"anna-{caseId:N}@slachtoffer.example", DateTimeOffset.UtcNow.AddDays(-60)));
        await session.SaveChangesAsync();
        return (caseId, reference);
    }

    /// <summary>The victim signs the authorisation (machtiging) on the case, as the portal does.</summary>
    public async Task AuthoriseAsync(Guid caseId)
    {
        var (text, sha) = await Services.GetRequiredService<Takedown.Application.Letters.LetterWorkflow>().AuthorisationTextAsync(caseId, default);
        await AppendAsync(caseId, new AuthorisationGranted(caseId, text, sha, "Anna de Vries", DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// A platform status update the inbox processor gave up on; by default for a report of no case (applying it
    /// ignores it).
    /// </summary>
    public async Task<(string WebhookId, Guid ReportId)> FailedStatusUpdateAsync(string error, string marker, Guid? report = null)
    {
        var (webhookId, reportId) = ("msg_" + Guid.NewGuid().ToString("N"), report ?? Guid.NewGuid());
        await ExecuteAsync("""
            INSERT INTO takedown.webhook_inbox (integration, webhook_id, received_at, next_attempt_at, outcome, report_id, body, attempts, last_error)
            VALUES ('sandbox', $1, now(), now(), 'failed', $2, convert_to($4, 'UTF8'), 8, $3)
            """, webhookId, reportId, error, marker);
        return (webhookId, reportId);
    }

    /// <summary>
    /// A message that failed for good, stored as the messaging engine stores it. Its body carries <paramref name="marker"/>,
    /// which no page may show.
    /// </summary>
    public async Task<Guid> DeadLetterAsync(string messageType, string error, string marker)
    {
        var id = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO takedown.dead_letters (id, message_type, body, headers, attempts, error, failed_at)
            VALUES ($1, $2, jsonb_build_object('requestId', $1::text, 'note', $4::text), '{}'::jsonb, 11, $3, now())
            """, id, messageType, error, marker);
        return id;
    }

    /// <summary>
    /// An erasure request received by the controller <paramref name="sentDaysAgo"/> days ago with a reply that arrived now,
    /// stored raw in inbound_mail and recorded on the request, as the reply intake does.
    /// </summary>
    public async Task<(Guid CaseId, Guid RequestId, Guid ReplyId)> RequestWithReplyAsync(
        string controller, int sentDaysAgo, string proposedMeaning, string subject, string body)
    {
        var (caseId, _) = await OpenCaseAsync(EscalationMode.OperatorReview);
        var requestId = Guid.NewGuid();
        var sentAt = DateTimeOffset.UtcNow.AddDays(-sentDaysAgo);
        await AppendAsync(requestId,
            new ErasureRequestDrafted(requestId, caseId, controller, "privacy@example.org", "NL", ["naam"], ["https://example.org/p/2"], sentAt),
            new ErasureRequestApproved(requestId, sentAt),
            new ErasureRequestSent(requestId, DateOnly.FromDateTime(sentAt.UtcDateTime), sentAt));
        var replyId = Guid.CreateVersion7();
        var raw = System.Text.Encoding.UTF8.GetBytes(
            $"From: Privacy <privacy@example.org>\r\nTo: replies@takedown.example\r\nSubject: {subject}\r\n" +
            $"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{body.Replace("=", "=3D", StringComparison.Ordinal)}");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw));
        var now = DateTimeOffset.UtcNow;
        await ExecuteAsync("""
            INSERT INTO takedown.inbound_mail (id, request_id, raw, sha256, proposed_meaning, confidence, received_at)
            VALUES ($1, $2, $3, $4, $5, 0.8, $6)
            """, replyId, requestId, raw, sha, proposedMeaning, now);
        await AppendAsync(requestId, new ReplyReceived(requestId, replyId, sha, proposedMeaning, 0.8, now));
        return (caseId, requestId, replyId);
    }

    /// <summary>A letter to a controller that the mail server refused for good.</summary>
    public async Task<Guid> FailedLetterAsync(Guid caseId, Guid requestId)
    {
        var letterId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await AppendAsync(letterId,
            new LetterPrepared(letterId, caseId, requestId, "ErasureRequest", "nl", "Privacy", "privacy@example.org", "Verzoek tot verwijdering",
                "tekst", "<p>tekst</p>", new string('0', 64), true, now.AddMinutes(-5)),
            new LetterApproved(letterId, "victim", now.AddMinutes(-4)),
            new LetterSendFailed(letterId, "550", "5.1.1 user unknown", now));
        return letterId;
    }

    public async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<Guid>> IdsAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    public async Task AppendAsync(Guid streamId, params object[] events)
    {
        await using var session = Store.LightweightSession(new EventMetadata("seed", null, "system"));
        session.Events.Append(streamId, events);
        await session.SaveChangesAsync();
    }
}
