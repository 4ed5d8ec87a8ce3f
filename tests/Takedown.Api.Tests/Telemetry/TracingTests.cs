using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Takedown.Api.Tests.Portal;
using Takedown.Application;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Tests.Telemetry;

public sealed class TracingTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    private const string VictimName = "Marieke Tracing-Testpersoon";
    private const string VictimEmail = "marieke.tracing@slachtoffer.example";
    private const string ControllerDomain = "@tracing-zoeker.example";
    private const string VictimUrl = "https://tracing-zoeker.example/p/marieke-7781";

    [Fact]
    public async Task Approving_a_letter_gives_one_trace_from_the_api_request_through_the_outbox_to_the_workers_smtp_send()
    {
        var (_, send) = await ApproveAndSendAsync();

        var (trace, chain, describe) = await TraceOfAsync(send);
        var byId = trace.ToDictionary(s => s.SpanId);
        List<ExportedSpan> Ancestry(ExportedSpan span)
        {
            var ancestry = new List<ExportedSpan> { span };
            while (byId.TryGetValue(ancestry[^1].ParentSpanId, out var parent))
            {
                ancestry.Add(parent);
            }
            return ancestry;
        }

        chain[1].Name.ShouldBe("handle send-letter");
        chain[1].Scope.ShouldBe("Takedown.Messaging");
        chain[2].Name.ShouldBe("publish send-letter");
        chain[3].Scope.ShouldBe("Microsoft.AspNetCore");
        chain[3].ParentSpanId.ShouldBeEmpty("the approve request starts the trace");
        chain[3].Name.ShouldBe("POST /api/v1/erasure-requests/{id:guid}/approve", describe);
        chain[3].Attributes["http.route"].ShouldBe("/api/v1/erasure-requests/{id:guid}/approve");
        chain[3].Attributes["http.response.status_code"].ShouldBe("202");

        // The appends on both sides, and PostgreSQL under them (Npgsql's own source), belong to the same trace.
        var root = chain[3];
        bool UnderRoot(ExportedSpan s) => Ancestry(s)[^1] == root;
        var appends = trace.Where(s => s.Name == "append events").ToList();
        appends.Any(s => s.Service == "takedown-api" && UnderRoot(s)).ShouldBeTrue(describe);
        appends.Any(s => s.Service == "takedown-worker" && Ancestry(s).Contains(chain[1])
            && s.Attributes.GetValueOrDefault("takedown.events.types", "").Contains("letter-sent", StringComparison.Ordinal)).ShouldBeTrue(describe);
        trace.Any(s => s.Scope == "Npgsql" && s.Service == "takedown-worker" && Ancestry(s).Contains(chain[1])).ShouldBeTrue(describe);
        trace.Any(s => s.Scope == "Npgsql" && s.Service == "takedown-api").ShouldBeTrue(describe);
        // One root: the later spans (the victim's notice the handler published, still running) hang under it too.
        trace.Where(s => s.ParentSpanId.Length == 0).ShouldBe([root], describe);
    }

    [Fact]
    public async Task A_victims_approval_in_the_portal_gives_one_trace_through_the_outbox_to_the_workers_smtp_send()
    {
        var email = $"portaal-{Guid.NewGuid():N}@slachtoffer.example";
        var controllerEmail = $"privacy-{Guid.NewGuid():N}{ControllerDomain}";
        var victim = new PortalClient(fixture.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), fixture.Smtp);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync(
        [
            new("Name", VictimName), new("Email", email), new("What", "address"), new("Urls", VictimUrl), new("ByWhom", "mijn ex-partner"),
            new("Erasure", "true"), new("ControllerName", "Tracing Portaal B.V."), new("ControllerEmail", controllerEmail),
            new("ControllerCountry", "NL"), new("Report", "false"), new("GoodFaith", "true"),
        ]);
        var caseId = casePath.Split('/')[^1];
        var letterId = (Guid)(await ScalarAsync(
            $"SELECT l.id FROM takedown.letter_overview l JOIN takedown.request_overview r ON r.id = l.request_id WHERE r.case_id = '{caseId}' AND l.kind = 'ErasureRequest'"))!;

        // The one action: the victim approves the letter on its page.
        await victim.ApproveLetterAsync(await victim.LetterPathAsync(casePath));

        var send = await Eventually(() => fixture.Receiver.Spans.SingleOrDefault(s => s.Name == "smtp send" && s.Attributes.GetValueOrDefault("takedown.letter.id") == letterId.ToString()));
        var (trace, chain, describe) = await TraceOfAsync(send);

        chain[1].Name.ShouldBe("handle send-letter");
        chain[2].Name.ShouldBe("publish send-letter");
        var root = chain[3];
        root.ParentSpanId.ShouldBeEmpty("the approval starts the trace");
        root.Scope.ShouldBe("Microsoft.AspNetCore");
        root.Attributes["http.route"].ShouldBe("/zaak/{caseId:guid}/brief/{requestId:guid}", describe);
        root.Name.ShouldBe("POST /zaak/{caseId:guid}/brief/{requestId:guid}");
        root.Attributes["http.request.method"].ShouldBe("POST");
        trace.Where(t => t.ParentSpanId.Length == 0).ShouldBe([root], describe);
        fixture.Smtp.ReceivedFor(controllerEmail).ShouldHaveSingleItem();
        // The address in the span is the route's template, never the case's id or the victim's details.
        foreach (var span in trace)
        {
            string.Join(" ", span.Attributes.Values).ShouldNotContain(email);
            span.Name.ShouldNotContain(caseId);
            span.Attributes.Keys.ShouldNotContain("url.path", "a request path may carry a token");
            span.Attributes.Keys.ShouldNotContain("user_agent.original");
        }
    }

    [Fact]
    public async Task Metrics_a_dashboard_needs_are_exported_and_no_export_holds_the_victims_details()
    {
        await ApproveAndSendAsync();

        string[] expected =
        [
            "takedown.letters.sent", "takedown.messages.handled", "takedown.requests.open", "takedown.outbox.depth",
            "takedown.outbox.oldest_due_age", "takedown.dead_letters", "http.server.request.duration",
        ];
        // The runtime's own metrics (GC, thread pool, CPU) come through the runtime instrumentation, as "dotnet.*".
        await Eventually(() => expected.All(fixture.Receiver.MetricNames.Contains)
                && fixture.Receiver.MetricNames.Any(n => n.StartsWith("dotnet.", StringComparison.Ordinal)) ? "" : null,
            () => "exported: " + string.Join(", ", fixture.Receiver.MetricNames.Order()));

        // Traces, metrics and logs of both processes, as bytes on the wire (protobuf strings are plain UTF-8).
        var bodies = fixture.Receiver.Bodies;
        bodies.Select(b => b.Signal).Distinct().Order().ShouldBe(["logs", "metrics", "traces"]);
        foreach (var secret in new[] { VictimName, VictimEmail, ControllerDomain, VictimUrl, "woonadres" })
        {
            var needle = Encoding.UTF8.GetBytes(secret);
            bodies.Where(b => b.Body.AsSpan().IndexOf(needle) >= 0).Select(b => b.Signal).ShouldBeEmpty($"'{secret}' was exported");
        }
    }

    [Fact]
    public async Task Gauges_read_open_requests_and_the_outbox_from_the_database()
    {
        var (requestId, _) = await ApproveAndSendAsync();
        await Eventually(async () => await ScalarAsync($"SELECT status FROM takedown.request_overview WHERE id = '{requestId}'") as string == "Sent");
        var gauges = fixture.Services.GetServices<IHostedService>().OfType<OperationalGauges>().Single();

        var snapshot = await gauges.RefreshAsync(CancellationToken.None);

        var sentOpen = snapshot.OpenRequests.Single(m => Tag(m.Tags, "kind") == "erasure" && Tag(m.Tags, "status") == "Sent").Value;
        sentOpen.ShouldBe(Convert.ToInt64(await ScalarAsync("SELECT count(*) FROM takedown.request_overview WHERE is_open AND kind = 'erasure' AND status = 'Sent'"), System.Globalization.CultureInfo.InvariantCulture));
        sentOpen.ShouldBeGreaterThanOrEqualTo(1);
        // The deadline check and its warnings wait a month ahead; nothing is due for long while the worker runs.
        var scheduled = snapshot.OutboxDepth.Single(m => Tag(m.Tags, "state") == "scheduled").Value;
        scheduled.ShouldBe(Convert.ToInt64(await ScalarAsync(
            """
            SELECT (SELECT count(*) FROM takedown.messages WHERE scheduled_at > now())
                 + (SELECT count(*) FROM takedown_messages.wolverine_incoming_envelopes WHERE status = 'Scheduled')
                 + (SELECT count(*) FROM takedown_messages.wolverine_queue_deadlines_scheduled)
            """), System.Globalization.CultureInfo.InvariantCulture));
        scheduled.ShouldBeGreaterThanOrEqualTo(1);
        snapshot.DeadLetters.ShouldHaveSingleItem().Value.ShouldBe(0);
    }

    [Fact]
    public async Task A_controllers_answer_is_recorded_once_in_the_time_to_answer_histogram_by_kind_and_counterparty()
    {
        const string controller = "Antwoord Meetbaar B.V.";
        var recorded = new System.Collections.Concurrent.ConcurrentQueue<(double Days, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Takedown" && instrument.Name == "takedown.time_to_answer")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (Tag(tags, "counterparty") == controller && Tag(tags, "kind") == "erasure")
            {
                recorded.Enqueue((value, Tag(tags, "outcome")));
            }
        });
        listener.Start();
        var (requestId, _) = await ApproveAndSendAsync(controller);
        await Eventually(async () => await ScalarAsync($"SELECT status FROM takedown.request_overview WHERE id = '{requestId}'") as string == "Sent");
        recorded.ShouldBeEmpty();

        var store = fixture.Services.GetRequiredService<IDocumentStore>();
        var engine = fixture.Services.GetRequiredService<DeadlineEngine>();
        for (var i = 0; i < 2; i++)
        {
            // The second answer is the repeated command: no events, so nothing is recorded twice.
            var session = store.LightweightSession(new EventMetadata(Actor: "operator:test"));
            await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
                new RecordErasureAnswer(requestId, ErasureOutcome.Complied, "Verwijderd.", DateTimeOffset.UtcNow), state, engine));
            await session.SaveChangesAsync();
        }

        var (days, outcome) = recorded.ShouldHaveSingleItem();
        outcome.ShouldBe("Complied");
        days.ShouldBeInRange(0, 1);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }
        return null;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task Eventually(Func<Task<bool>> probe)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (await probe())
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The expected state was not reached within 30 s.");
    }

    /// <summary>
    /// The SMTP send's trace once its handle span is exported too (the handler's own spans end before it does), the send's
    /// ancestry up to the root, and a description of the trace and the worker's output for failure messages. Asserts the
    /// chain every letter takes: HTTP in (API) → publish send-letter (API, in the approval's transaction) → handle
    /// send-letter (worker) → smtp send (worker).
    /// </summary>
    private async Task<(List<ExportedSpan> Trace, List<ExportedSpan> Chain, string Describe)> TraceOfAsync(ExportedSpan send)
    {
        await Eventually(() => fixture.Receiver.Spans.SingleOrDefault(s => s.SpanId == send.ParentSpanId));
        var trace = fixture.Receiver.Spans.Where(s => s.TraceId == send.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        var chain = new List<ExportedSpan> { send };
        while (byId.TryGetValue(chain[^1].ParentSpanId, out var parent))
        {
            chain.Add(parent);
        }
        var describe = string.Join("\n", trace.Select(s => s.ToString())) + "\nworker:\n" + fixture.WorkerOutput;
        chain.Select(s => (s.Service, s.Kind)).ShouldBe(
        [
            ("takedown-worker", ExportedSpan.Client),
            ("takedown-worker", ExportedSpan.Consumer),
            ("takedown-api", ExportedSpan.Producer),
            ("takedown-api", ExportedSpan.Server),
        ], describe);
        return (trace, chain, describe);
    }

    /// <summary>Opens a case, drafts an erasure request, approves its letter; returns when the worker's SMTP send is exported.</summary>
    private async Task<(Guid RequestId, ExportedSpan Send)> ApproveAndSendAsync(string controllerName = "Tracing Zoeker B.V.")
    {
        var controllerEmail = $"privacy-{Guid.NewGuid():N}{ControllerDomain}";
        var partner = fixture.Partner();
        var caseResponse = await partner.PostAsJsonAsync("/api/v1/cases",
            new { victimName = VictimName, victimEmail = VictimEmail, language = "nl", escalationMode = "OperatorReview" });
        caseResponse.EnsureSuccessStatusCode();
        var caseId = (await caseResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var drafted = await partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName,
            controllerEmail,
            controllerCountry = "NL",
            personalData = new[] { "woonadres" },
            urls = new[] { VictimUrl },
        });
        drafted.EnsureSuccessStatusCode();
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter");
        var letterId = letter.GetProperty("letterId").GetGuid().ToString();

        var approved = await partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve",
            new { contentSha256 = letter.GetProperty("contentSha256").GetString() });
        approved.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var send = await Eventually(() => fixture.Receiver.Spans.SingleOrDefault(s => s.Name == "smtp send" && s.Attributes.GetValueOrDefault("takedown.letter.id") == letterId));
        fixture.Smtp.ReceivedFor(controllerEmail).ShouldHaveSingleItem();
        return (requestId, send);
    }

    private static async Task<T> Eventually<T>(Func<T?> probe, Func<string>? explain = null) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (probe() is { } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Not exported within 30 s. " + explain?.Invoke());
    }
}
