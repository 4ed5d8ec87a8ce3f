using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Takedown.Testing;
using Case = Takedown.Domain.Cases.Case;
using Takedown.Application.Sealing;

namespace Takedown.Worker.Tests;

/// <summary>
/// The worker's services (event store, outbox, message worker, handlers) on a database of their own, a real SMTP
/// server, and a clock the test moves: a month passes in a line.
/// </summary>
public sealed class WorkerHostFixture : IAsyncLifetime
{
    public const string ApEmail = "klachten@ap.example";

    private IHost? _host;

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public SmtpTestServer Smtp { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public IServiceProvider Services => _host!.Services;

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public DeadlineEngine Engine => Services.GetRequiredService<DeadlineEngine>();

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync("worker");
        await Smtp.InitializeAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Takedown"] = ConnectionString,
            ["Mail:Host"] = Smtp.Host,
            ["Mail:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:EnableStartTls"] = "false",
            ["Mail:FromAddress"] = "brieven@takedown.example",
            ["Letters:ReplyDomain"] = "takedown.example",
            ["Letters:ReplySecret"] = "worker-test-secret-0123456789",
            ["Messaging:PollingInterval"] = "00:00:00.200",
            ["Privacy:MasterKey"] = Takedown.Application.Sealing.PersonalDataProtection.NewMasterKey(),
        });
        builder.Services.AddSingleton<TimeProvider>(Clock);
        var marten = builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: false);
        builder.Services.AddTakedownMessaging(builder.Configuration);
        builder.AddTakedownWolverine(marten, handlesMessages: true);
        builder.Services.AddTakedownWorker(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
        Clock.Moving += () => WolverineSchedule.WaitUntilSettled(ConnectionString);
        Clock.Moved += moved => WolverineSchedule.Shift(ConnectionString, moved);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        await Smtp.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    /// <summary>Opens a case, drafts an erasure request, has the victim approve its letter; returns the request id.</summary>
    public async Task<Guid> ApprovedErasureRequestAsync(EscalationMode mode = EscalationMode.OperatorReview, string controllerEmail = "privacy@controller.example")
    {
        var now = Clock.GetUtcNow();
        var caseId = Guid.CreateVersion7();
        var requestId = Guid.CreateVersion7();
        await using (var session = Store.LightweightSession(new EventMetadata(null, null, "victim:test")))
        {
            var opened = Case.Decide(new OpenCase(caseId, "TD-" + caseId.ToString("N")[^10..], "nl", mode, now), Case.Initial);
            var details = Case.Decide(new RecordVictimDetails(caseId, "Anna de Vries", VictimEmail(caseId), now), opened.Aggregate(Case.Initial, Case.Evolve));
            session.Events.StartStream(caseId, [.. opened, .. details]);
            session.Events.StartStream(requestId, ErasureRequest.Decide(
                new DraftErasureRequest(requestId, caseId, "Controller B.V.", controllerEmail, "NL", ["woonadres"], ["https://controller.example/p/1"], now),
                ErasureRequest.Initial, Engine));
            await session.SaveChangesAsync();
        }
        var workflow = Services.GetRequiredService<LetterWorkflow>();
        Guid letterId;
        await using (var session = Store.LightweightSession())
        {
            letterId = await workflow.PrepareErasureLetterAsync(session, requestId, default);
            await session.SaveChangesAsync();
        }
        await ApproveLetterAsync(letterId);
        return requestId;
    }

    /// <summary>The victim approves a prepared letter by the hash of its text, as the portal does.</summary>
    public async Task ApproveLetterAsync(Guid letterId)
    {
        var workflow = Services.GetRequiredService<LetterWorkflow>();
        var sha = (await workflow.LoadAsync(letterId, default))!.ContentSha256;
        using var scope = Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
        await using var session = Store.LightweightSession(new EventMetadata(null, null, "victim:test"));
        session.Enlist(outbox);
        await workflow.ApproveAsync(session, outbox, letterId, "victim:test", sha, false, default);
        await session.SaveChangesAsync();
    }

    /// <summary>The victim signs the authorisation (machtiging) on the case, as the portal does.</summary>
    public async Task AuthoriseAsync(Guid caseId)
    {
        var (text, sha) = await Services.GetRequiredService<LetterWorkflow>().AuthorisationTextAsync(caseId, default);
        await using var session = Store.LightweightSession(new EventMetadata(null, null, "victim:test"));
        await session.DecideAsync(caseId, Case.Initial, Case.Evolve, state => Case.Decide(new GrantAuthorisation(caseId, text, sha, "Anna de Vries", Clock.GetUtcNow()), state));
        await session.SaveChangesAsync();
    }

    /// <summary>The victim's notice address the fixture gives every case.</summary>
    public static string VictimEmail(Guid caseId) => $"victim-{caseId:N}@example.nl";

    /// <summary>Waits until <paramref name="condition"/> holds (the worker runs on its own).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited 30 s for: {what}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The letters of a request or case of one kind, oldest first, from the letter overview.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Status)>> LettersAsync(Guid requestId, string kind)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, status FROM takedown.letter_overview WHERE request_id = $1 AND kind = $2 ORDER BY prepared_at, id", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        await using var reader = await command.ExecuteReaderAsync();
        var letters = new List<(Guid, string)>();
        while (await reader.ReadAsync())
        {
            letters.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return letters;
    }

    /// <summary>
    /// A platform report filed now on a new case, with its response check scheduled at the target as the filing
    /// handler schedules it (no platform API is needed to file by hand).
    /// </summary>
    public async Task<Guid> FiledPlatformReportAsync(ReportCategory category)
    {
        var now = Clock.GetUtcNow();
        var caseId = Guid.CreateVersion7();
        var reportId = Guid.CreateVersion7();
        using var scope = Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
        await using var session = Store.LightweightSession(new EventMetadata(null, null, "system"));
        session.Enlist(outbox);
        session.Events.StartStream(caseId, Case.Decide(new OpenCase(caseId, "TD-" + caseId.ToString("N")[^10..], "nl", EscalationMode.OperatorReview, now), Case.Initial));
        var drafted = PlatformReport.Decide(new DraftPlatformReport(reportId, caseId, "Sandbox", ["https://platform.example/p/1"], category,
            "Hij dreigt mij hier (Sr art. 285).", "A. Melder", "melder@example.nl", true, now), PlatformReport.Initial, Engine);
        // Approved as the portal does (the victim read the notice and the publication warning), then filed.
        var approved = PlatformReport.Decide(new ApprovePlatformReport(reportId, "victim:test", "notice-sha", "notice-sha", true, now),
            drafted.Aggregate(PlatformReport.Initial, PlatformReport.Evolve), Engine);
        var beforeFiling = approved.Aggregate(drafted.Aggregate(PlatformReport.Initial, PlatformReport.Evolve), PlatformReport.Evolve);
        var filed = PlatformReport.Decide(new FilePlatformReport(reportId, "T-" + reportId.ToString("N")[..8], now), beforeFiling, Engine);
        session.Events.StartStream(reportId, [.. drafted, .. approved, .. filed]);
        var state = filed.Aggregate(beforeFiling, PlatformReport.Evolve);
        outbox.Schedule(new CheckPlatformResponse(reportId), state.ResponseDeadline(Engine)!.DueAt);
        await session.SaveChangesAsync();
        return reportId;
    }

    public async Task<PlatformReport> ReportAsync(Guid id) =>
        (await Store.AggregateStreamAsync(id, PlatformReport.Initial, PlatformReport.Evolve)).State;

    public async Task AppendAsync(Guid streamId, params object[] events)
    {
        await using var session = Store.LightweightSession(new EventMetadata(null, null, "system"));
        session.Events.Append(streamId, events);
        await session.SaveChangesAsync();
    }

    public async Task<ErasureRequest> RequestAsync(Guid id) =>
        (await Store.AggregateStreamAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;

    /// <summary>Waits until <paramref name="condition"/> holds for the request (the worker runs on its own).</summary>
    public async Task<ErasureRequest> WaitForAsync(Guid id, Func<ErasureRequest, bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var state = await RequestAsync(id);
            if (condition(state))
            {
                return state;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Waited 30 s for: {what}; the request is {(await RequestAsync(id)).Status}.");
    }

    /// <summary>Appends a decision on the request as an operator would after reading the controller's reply.</summary>
    public async Task DecideAsync(Guid id, Func<ErasureRequest, object> command)
    {
        await using var session = Store.LightweightSession(new EventMetadata(null, null, "operator:test"));
        await session.DecideAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(command(state), state, Engine));
        await session.SaveChangesAsync();
    }

    public async Task<long> CountAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
