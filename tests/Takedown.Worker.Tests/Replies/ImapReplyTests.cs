using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Takedown.Application;
using Takedown.Application.Messaging;
using Takedown.Application.Replies;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Replies;
using Takedown.Testing;
using Case = Takedown.Domain.Cases.Case;
using Takedown.Application.Sealing;

namespace Takedown.Worker.Tests.Replies;

/// <summary>The database the IMAP reply tests share; each test has a dovecot server and an account of its own.</summary>
public sealed class ImapRepliesDatabase : IAsyncLifetime
{
    public const string ReplySecret = "imap-test-reply-secret-0123456789";

    public string ConnectionString { get; private set; } = "";

    /// <summary>One master key for every host a test starts, as the hosts of one installation share theirs.</summary>
    public string MasterKey { get; } = Takedown.Application.Sealing.PersonalDataProtection.NewMasterKey();

    public string PickupDirectory { get; } = Repository.NewTempFolder("imap-pickup");

    public async Task InitializeAsync() => ConnectionString = await PostgresServer.CreateDatabaseAsync("imap");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(ConnectionString);
}

/// <summary>
/// Replies read over IMAP from a real dovecot: recorded once through the same intake as the mail gateway's, moved only
/// after they committed, and read again (but not recorded again) by a reader that stopped in between.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ImapReplyTests(ImapRepliesDatabase database) : IClassFixture<ImapRepliesDatabase>
{
    [Fact]
    public async Task Given_a_reply_in_the_inbox_When_the_worker_reads_it_Then_it_is_recorded_on_the_request_and_moved_to_Processed()
    {
        await using var imap = await ImapTestServer.StartAsync();
        using var host = await StartHostAsync(imap);
        var requestId = await DraftedRequestAsync(host);
        await imap.AppendAsync(Reply(requestId, "Wij hebben de gegevens verwijderd."));

        await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 1, "the reply in Processed");

        (await imap.MessagesAsync("INBOX")).ShouldBeEmpty();
        (await imap.MessagesAsync("Failed")).ShouldBeEmpty();
        var received = (await RepliesOnAsync(host, requestId)).ShouldHaveSingleItem();
        received.ProposedMeaning.ShouldBe(nameof(ReplyMeaning.Answered));
        (await ScalarAsync("SELECT count(*) FROM takedown.inbound_mail WHERE request_id = $1", requestId)).ShouldBe(1L);
    }

    [Fact]
    public async Task Given_a_reader_idling_When_a_reply_arrives_Then_IDLE_wakes_it_long_before_any_poll()
    {
        await using var imap = await ImapTestServer.StartAsync();
        using var host = await StartHostAsync(imap, ("Mail:Inbound:Imap:PollInterval", "01:00:00"), ("Mail:Inbound:Imap:IdleRefresh", "01:00:00"));
        var reader = host.Services.GetRequiredService<ImapReplyReader>();
        await EventuallyAsync(() => Task.FromResult(reader.State == ImapReaderState.Idling), "the reader idling");
        var requestId = await DraftedRequestAsync(host);

        await imap.AppendAsync(Reply(requestId, "Wij verlengen de termijn met twee maanden."));

        await EventuallyAsync(async () => (await RepliesOnAsync(host, requestId)).Count == 1, "the reply recorded", seconds: 20);
        await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 1, "the reply in Processed", seconds: 20);
    }

    [Fact]
    public async Task Given_a_server_without_IDLE_When_a_reply_arrives_Then_the_reader_finds_it_by_polling()
    {
        await using var imap = await ImapTestServer.StartAsync(idle: false);
        using var host = await StartHostAsync(imap, ("Mail:Inbound:Imap:PollInterval", "00:00:00.500"));
        var reader = host.Services.GetRequiredService<ImapReplyReader>();
        await EventuallyAsync(() => Task.FromResult(reader.State == ImapReaderState.Polling), "the reader polling");
        var requestId = await DraftedRequestAsync(host);

        await imap.AppendAsync(Reply(requestId, "Wij hebben uw identiteitsbewijs nodig."));

        await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 1, "the reply in Processed");
        (await RepliesOnAsync(host, requestId)).ShouldHaveSingleItem().ProposedMeaning.ShouldBe(nameof(ReplyMeaning.IdentityCheck));
        reader.State.ShouldNotBe(ImapReaderState.Idling);
    }

    [Fact]
    public async Task Given_mail_that_is_not_ours_or_not_a_message_When_read_Then_it_goes_to_Failed_and_is_kept_for_the_operators()
    {
        await using var imap = await ImapTestServer.StartAsync();
        using var host = await StartHostAsync(imap);
        var marker = Guid.NewGuid().ToString("N");
        var forged = Encoding.UTF8.GetBytes(
            $"From: someone@elsewhere.example\r\nTo: replies+aaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb@takedown.example\r\n" +
            $"Subject: {marker}\r\n\r\nNo address of ours.\r\n");
        var garbage = Encoding.UTF8.GetBytes($"\u0001\u0002 not a header {marker}\r\n\r\n\u00ff\u00fe {{[(<\r\n");

        await imap.AppendAsync(forged);
        await imap.AppendAsync(garbage);

        await EventuallyAsync(async () => (await imap.MessagesAsync("Failed")).Count == 2, "both messages in Failed");
        (await imap.MessagesAsync("INBOX")).ShouldBeEmpty();
        (await imap.MessagesAsync("Processed")).ShouldBeEmpty();
        // Kept where the operators' replies page reads (inbound_mail rows not confirmed), matched to no request.
        (await ScalarAsync($"""
            SELECT count(*) FROM takedown.inbound_mail m JOIN takedown.imap_messages i ON i.reply_id = m.id
            WHERE i.mailbox = $1 AND i.outcome = 'Failed' AND m.request_id IS NULL AND m.confirmed_meaning IS NULL
            """, imap.UserName + "/INBOX")).ShouldBe(2L);
    }

    [Fact]
    public async Task Given_a_reader_stopped_between_the_event_and_the_move_When_a_reader_starts_again_Then_the_reply_is_recorded_once_and_moved()
    {
        await using var imap = await ImapTestServer.StartAsync();
        Guid requestId;
        using (var first = await StartHostAsync(imap))
        {
            var reader = first.Services.GetRequiredService<ImapReplyReader>();
            await EventuallyAsync(() => Task.FromResult(reader.State == ImapReaderState.Idling), "the reader idling (its folders made)");
            // The move fails after the reply committed, as when the worker dies between the two.
            imap.BlockFolder("Processed");
            requestId = await DraftedRequestAsync(first);
            await imap.AppendAsync(Reply(requestId, "Wij hebben de gegevens verwijderd."));
            await EventuallyAsync(async () => (await RepliesOnAsync(first, requestId)).Count == 1, "the reply recorded");
            await EventuallyAsync(() => Task.FromResult(reader.State == ImapReaderState.Failing), "the move failing");
            await first.StopAsync();
        }
        (await imap.MessagesAsync("INBOX")).Count.ShouldBe(1);
        imap.UnblockFolder("Processed");

        using var second = await StartHostAsync(imap);
        await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 1, "the reply in Processed");

        (await imap.MessagesAsync("INBOX")).ShouldBeEmpty();
        (await RepliesOnAsync(second, requestId)).Count.ShouldBe(1);
        (await ScalarAsync("SELECT count(*) FROM takedown.inbound_mail WHERE request_id = $1", requestId)).ShouldBe(1L);
        (await ScalarAsync("SELECT count(*) FROM takedown.imap_messages WHERE mailbox = $1", imap.UserName + "/INBOX")).ShouldBe(1L);
    }

    [Fact]
    public async Task Given_the_server_renumbered_the_folder_When_read_again_Then_a_new_message_with_an_old_UID_is_recorded_and_an_old_message_is_not()
    {
        await using var imap = await ImapTestServer.StartAsync();
        const string Folder = "Replies";
        var settings = ("Mail:Inbound:Imap:Folder", Folder);
        Guid requestId;
        await imap.AppendAsync(Encoding.UTF8.GetBytes("Subject: make the folder\r\n\r\n.\r\n"), Folder);
        await imap.RecreateAsync(Folder);
        using (var first = await StartHostAsync(imap, settings))
        {
            var reader = first.Services.GetRequiredService<ImapReplyReader>();
            await EventuallyAsync(() => Task.FromResult(reader.State == ImapReaderState.Idling), "the reader idling");
            imap.BlockFolder("Processed");
            requestId = await DraftedRequestAsync(first);
            await imap.AppendAsync(Reply(requestId, "Wij hebben de gegevens verwijderd."), Folder);
            await EventuallyAsync(async () => (await RepliesOnAsync(first, requestId)).Count == 1, "the first reply recorded");
            await first.StopAsync();
        }
        var before = await imap.UidValidityAsync(Folder);
        var recordedButNotMoved = (await imap.MessagesAsync(Folder)).ShouldHaveSingleItem();
        // UIDVALIDITY is the time in seconds at which the folder was made.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await imap.RecreateAsync(Folder);
        await imap.AppendAsync(Reply(requestId, "Wij verlengen de termijn met twee maanden."), Folder);
        await imap.AppendAsync(recordedButNotMoved, Folder);
        (await imap.UidValidityAsync(Folder)).ShouldNotBe(before);
        imap.UnblockFolder("Processed");

        using var second = await StartHostAsync(imap, settings);
        await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 2, "both messages in Processed");

        (await imap.MessagesAsync(Folder)).ShouldBeEmpty();
        var replies = await RepliesOnAsync(second, requestId);
        replies.Select(r => r.ProposedMeaning).Order().ShouldBe([nameof(ReplyMeaning.Answered), nameof(ReplyMeaning.Extension)]);
        (await ScalarAsync("SELECT count(DISTINCT uid_validity) FROM takedown.imap_messages WHERE mailbox = $1", imap.UserName + "/" + Folder))
            .ShouldBe(2L);
    }

    [Fact]
    public async Task Given_an_erased_case_When_a_reply_to_it_arrives_Then_it_is_stored_nowhere_and_deleted_from_the_mailbox()
    {
        await using var imap = await ImapTestServer.StartAsync();
        using var host = await StartHostAsync(imap);
        var requestId = await DraftedRequestAsync(host);
        var caseId = (await host.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(requestId))
            .Select(e => e.Data).OfType<ErasureRequestDrafted>().Single().CaseId;
        (await host.Services.GetRequiredService<Takedown.Application.Privacy.CaseErasure>().EraseAsync(caseId, "victim")).ShouldBeTrue();

        await imap.AppendAsync(Reply(requestId, "Wij hebben de gegevens verwijderd."));
        await imap.AppendAsync(Encoding.UTF8.GetBytes("From: a@elsewhere.example\r\nTo: b@elsewhere.example\r\nSubject: after\r\n\r\n.\r\n"));
        await EventuallyAsync(async () => (await imap.MessagesAsync("Failed")).Count == 1, "the message after it in Failed");

        (await imap.MessagesAsync("INBOX")).ShouldBeEmpty();
        (await imap.MessagesAsync("Processed")).ShouldBeEmpty();
        (await ScalarAsync("SELECT count(*) FROM takedown.inbound_mail WHERE request_id = $1", requestId)).ShouldBe(0L);
        (await ScalarAsync("SELECT count(*) FROM takedown.imap_messages WHERE mailbox = $1", imap.UserName + "/INBOX")).ShouldBe(1L);
    }

    [Fact]
    public async Task Given_a_worker_process_killed_between_the_event_and_the_move_When_it_starts_again_Then_the_reply_is_recorded_once_and_moved()
    {
        await using var imap = await ImapTestServer.StartAsync();
        using var host = await StartHostAsync(imap: null);
        var requestId = await DraftedRequestAsync(host);
        await imap.CreateFolderAsync("Processed");
        imap.BlockFolder("Processed");
        await imap.AppendAsync(Reply(requestId, "Wij hebben de gegevens verwijderd."));

        using (var first = StartWorkerProcess(imap))
        {
            await EventuallyAsync(async () => (await RepliesOnAsync(host, requestId)).Count == 1, "the reply recorded by the worker process", seconds: 120);
            // SIGKILL: no shutdown code runs. The reply committed; the message could not be moved.
            first.Kill();
            await first.WaitForExitAsync();
        }
        (await imap.MessagesAsync("INBOX")).Count.ShouldBe(1);
        imap.UnblockFolder("Processed");

        using (var second = StartWorkerProcess(imap))
        {
            try
            {
                await EventuallyAsync(async () => (await imap.MessagesAsync("Processed")).Count == 1, "the reply in Processed", seconds: 120);
            }
            finally
            {
                second.Kill();
                await second.WaitForExitAsync();
            }
        }

        (await imap.MessagesAsync("INBOX")).ShouldBeEmpty();
        (await RepliesOnAsync(host, requestId)).Count.ShouldBe(1);
        (await ScalarAsync("SELECT count(*) FROM takedown.inbound_mail WHERE request_id = $1", requestId)).ShouldBe(1L);
    }

    /// <summary>Takedown.Worker as its own OS process (the build puts it beside the tests' project reference).</summary>
    private Process StartWorkerProcess(ImapTestServer imap)
    {
        // tests/Takedown.Worker.Tests/bin/{Configuration}/net10.0/ → src/Takedown.Worker/bin/{Configuration}/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Repository.Root, "src", "Takedown.Worker", "bin", output.Parent!.Name, output.Name, "Takedown.Worker.dll");
        File.Exists(dll).ShouldBeTrue($"The worker is built with the tests (project reference): {dll}");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in Settings(imap, []))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private Dictionary<string, string?> Settings(ImapTestServer? imap, (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Takedown"] = database.ConnectionString,
            ["Mail:PickupDirectory"] = database.PickupDirectory,
            ["Letters:ReplyDomain"] = "takedown.example",
            ["Letters:ReplySecret"] = ImapRepliesDatabase.ReplySecret,
            ["Messaging:PollingInterval"] = "00:00:00.500",
            ["Privacy:MasterKey"] = database.MasterKey,
            ["Mail:Inbound:Imap:MaxReconnectDelay"] = "00:00:01",
        };
        var folder = extra.FirstOrDefault(e => e.Key == "Mail:Inbound:Imap:Folder").Value ?? "INBOX";
        foreach (var (key, value) in (imap?.Settings(folder) ?? new Dictionary<string, string?>()).Concat(extra.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value))))
        {
            settings[key] = value;
        }
        return settings;
    }

    private async Task<IHost> StartHostAsync(ImapTestServer? imap, params (string Key, string Value)[] extra)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(Settings(imap, extra));
        var marten = builder.Services.AddTakedownCore(builder.Configuration, runProjectionDaemon: false);
        builder.Services.AddTakedownMessaging(builder.Configuration);
        builder.AddTakedownWolverine(marten, handlesMessages: true);
        builder.Services.AddTakedownWorker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A case with an erasure request drafted on it; returns the request's id.</summary>
    private static async Task<Guid> DraftedRequestAsync(IHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var engine = host.Services.GetRequiredService<DeadlineEngine>();
        var now = DateTimeOffset.UtcNow;
        var caseId = Guid.CreateVersion7();
        var requestId = Guid.CreateVersion7();
        await using var session = store.LightweightSession(new EventMetadata(null, null, "victim:test"));
        session.Events.StartStream(caseId, Case.Decide(new OpenCase(caseId, "TD-" + caseId.ToString("N")[^10..], "nl", EscalationMode.OperatorReview, now), Case.Initial));
        session.Events.StartStream(requestId, ErasureRequest.Decide(
            new DraftErasureRequest(requestId, caseId, "Controller B.V.", "privacy@controller.example", "NL", ["woonadres"], ["https://controller.example/p/1"], now),
            ErasureRequest.Initial, engine));
        await session.SaveChangesAsync();
        return requestId;
    }

    private static byte[] Reply(Guid requestId, string text) => Encoding.UTF8.GetBytes(
        $"From: Privacy <privacy@controller.example>\r\n" +
        $"To: {ReplyAddress.For(requestId, ImapRepliesDatabase.ReplySecret, "takedown.example")}\r\n" +
        $"Subject: Re: Verzoek tot verwijdering\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@controller.example>\r\n" +
        $"Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n" +
        $"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
        $"Geachte heer/mevrouw,\r\n\r\n{text}\r\n");

    private static async Task<IReadOnlyList<ReplyReceived>> RepliesOnAsync(IHost host, Guid requestId)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        return [.. (await store.FetchStreamAsync(requestId)).Select(e => e.Data).OfType<ReplyReceived>()];
    }

    private async Task<long> ScalarAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {seconds} s for: {what}.");
            }
            await Task.Delay(100);
        }
    }
}
