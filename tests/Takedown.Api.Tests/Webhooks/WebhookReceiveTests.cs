using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Takedown.Testing;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>
/// <c>POST /webhooks/{integration}</c> against signatures made by Python's standard library (an implementation of the
/// Standard Webhooks scheme that shares no code with ours): rotation, clock skew, replay, tampering and refusals.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookReceiveTests(WebhookHostFixture host) : IAsyncLifetime
{
    private readonly HttpClient _partner = host.Client();
    private readonly HttpClient _anonymous = host.Client(null);
    private Guid _reportId;
    private string _ticket = "";

    public async Task InitializeAsync()
    {
        await host.ResetSandboxAsync();
        (_, _reportId) = await WebhookHostFixture.DraftReportAsync(_partner);
        var report = await WebhookHostFixture.ReportWhenAsync(_partner, _reportId, r => r.GetProperty("status").GetString() == "Filed");
        _ticket = report.GetProperty("ticketId").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_python_signed_removal_When_posted_Then_accepted_and_content_removed_on_the_report()
    {
        var id = NewId();
        var response = await PostAsync(Body("content_removed"), OldSecretOnly, id);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("accepted");
        await host.InboxSettledAsync();
        (await host.InboxOutcomeAsync(id)).ShouldBe("applied");
        var report = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}");
        report.GetProperty("status").GetString().ShouldBe("Removed");
        report.GetProperty("platformStatus").GetString().ShouldBe("content_removed");
    }

    [Theory]
    [InlineData(" refused")]
    [InlineData("restricted ")]
    [InlineData("refused,content_removed")]
    [InlineData("content_removed,refused")]
    [InlineData("3")]
    public async Task Given_a_status_word_padded_or_joined_When_posted_Then_recorded_but_no_decision_applied(string status)
    {
        var id = NewId();
        var response = await PostAsync(Body(status), OldSecretOnly, id);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.InboxSettledAsync();
        var report = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}");
        report.GetProperty("status").GetString().ShouldBe("Filed", status);
    }

    [Fact]
    public async Task Given_rotation_When_signed_with_the_new_secret_or_both_Then_accepted_and_an_unknown_secret_is_refused()
    {
        (await PostAsync(Body("under_review"), [WebhookHostFixture.NewSecret])).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PostAsync(Body("received"), [WebhookHostFixture.OldSecret, WebhookHostFixture.NewSecret])).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stranger = PythonSigner.NewSecret();
        var refused = await PostAsync(Body("content_removed"), [stranger]);
        await host.InboxSettledAsync();

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Bad signature");
        var report = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}");
        report.GetProperty("status").GetString().ShouldBe("Filed");
        report.GetProperty("platformStatus").GetString().ShouldBe("received");
    }

    [Theory]
    [InlineData(-330, HttpStatusCode.Unauthorized)]
    [InlineData(330, HttpStatusCode.Unauthorized)]
    [InlineData(-240, HttpStatusCode.Accepted)]
    [InlineData(240, HttpStatusCode.Accepted)]
    public async Task Given_clock_skew_When_posted_Then_only_timestamps_within_five_minutes_pass(int skewSeconds, HttpStatusCode expected)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + skewSeconds;

        var response = await PostAsync(Body("under_review"), OldSecretOnly, timestamp: timestamp);

        response.StatusCode.ShouldBe(expected);
        (await InboxCountAsync()).ShouldBe(expected == HttpStatusCode.Accepted ? 1 : 0);
    }

    [Fact]
    public async Task Given_a_seen_webhook_id_When_replayed_Then_acknowledged_without_a_second_effect()
    {
        var id = NewId();
        var body = Body("under_review");
        (await PostAsync(body, OldSecretOnly, id)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.InboxSettledAsync();
        var eventsBefore = await EventCountAsync();

        var replay = await PostAsync(body, OldSecretOnly, id);
        var replayWithOtherStatus = await PostAsync(Body("content_removed"), OldSecretOnly, id);
        await host.InboxSettledAsync();

        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("duplicate");
        (await replayWithOtherStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("duplicate");
        (await EventCountAsync()).ShouldBe(eventsBefore);
        (await InboxCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Given_the_same_id_posted_concurrently_When_all_arrive_Then_accepted_once_and_applied_once()
    {
        var id = NewId();
        var body = Body("content_removed");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = PythonSigner.Sign(id, timestamp, body, WebhookHostFixture.OldSecret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SendAsync(body, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature)));

        answers.ShouldAllBe(a => a.IsSuccessStatusCode);
        var outcomes = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString()));
        outcomes.Count(o => o == "accepted").ShouldBe(1);
        outcomes.Count(o => o == "duplicate").ShouldBe(5);
        await host.InboxSettledAsync();
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = @id AND type = 'content-removed'", ("id", _reportId))).ShouldBe(1);
    }

    [Fact]
    public async Task Given_tampering_When_body_id_or_timestamp_changed_after_signing_Then_refused_and_nothing_stored()
    {
        var id = NewId();
        var body = Body("content_removed");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = PythonSigner.Sign(id, timestamp, body, WebhookHostFixture.OldSecret);
        var stamp = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tamperedBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("content_removed", "refused", StringComparison.Ordinal));

        (await SendAsync(tamperedBody, id, stamp, signature)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(body, NewId(), stamp, signature)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(body, id, (timestamp - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(body, id, stamp, "v1," + Convert.ToBase64String(new byte[32]))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await InboxCountAsync()).ShouldBe(0);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}")).GetProperty("status").GetString().ShouldBe("Filed");
        // The untouched original still passes: the refusals above were about the tampering, not the signer.
        (await SendAsync(body, id, stamp, signature)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Given_bad_requests_When_posted_Then_clear_problem_statuses_and_nothing_stored()
    {
        var unknown = await _anonymous.PostAsync("/webhooks/nobody", Json(Body("content_removed")));
        var tooLarge = await PostAsync(Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 70_000) + "\"}"), OldSecretOnly);
        var badJson = await PostAsync("{\"type\": \"notice.status_changed\", \"data\": "u8.ToArray(), OldSecretOnly);
        var noTicket = await PostAsync("{\"type\":\"notice.status_changed\",\"data\":{\"status\":\"refused\"}}"u8.ToArray(), OldSecretOnly);
        var unsigned = await _anonymous.PostAsync("/webhooks/sandbox", Json(Body("content_removed")));
        var unknownTicket = await PostAsync(Body("content_removed", ticket: "SBX-999999"), OldSecretOnly);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        badJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noTicket.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unsigned.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknownTicket.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        foreach (var response in new[] { unknown, tooLarge, badJson, noTicket, unsigned, unknownTicket })
        {
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await InboxCountAsync()).ShouldBe(0);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}")).GetProperty("status").GetString().ShouldBe("Filed");
    }

    [Fact]
    public async Task Every_incoming_webhook_is_counted_by_outcome_and_a_rejection_by_a_fixed_reason_without_personal_data()
    {
        using var metrics = new DeliveryMetrics();
        var id = NewId();
        var stranger = PythonSigner.NewSecret();

        (await PostAsync(Body("under_review"), OldSecretOnly, id)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PostAsync(Body("under_review"), OldSecretOnly, id)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(Body("content_removed"), [stranger])).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(Body("content_removed"), [stranger])).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(Body("content_removed"), OldSecretOnly, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _anonymous.PostAsync("/webhooks/sandbox", Json(Body("content_removed")))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(Body("content_removed", ticket: "SBX-999998"), OldSecretOnly)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await PostAsync("{\"type\":\"notice.status_changed\",\"data\":{}}"u8.ToArray(), OldSecretOnly)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync("{\"type\":\"notice.comment_added\",\"data\":{\"ticketId\":\"x\",\"status\":\"x\"}}"u8.ToArray(), OldSecretOnly)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _anonymous.PostAsync("/webhooks/" + Guid.NewGuid().ToString("N"), Json(Body("content_removed")))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The portal's tests, running beside these in the same process, may count accepted updates of their own.
        metrics.Count("in", "sandbox", "accepted").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Count("in", "sandbox", "duplicate").ShouldBe(1);
        metrics.Count("in", "sandbox", "ignored").ShouldBe(1);
        metrics.Count("in", "sandbox", "rejected", "bad_signature").ShouldBe(2);
        metrics.Count("in", "sandbox", "rejected", "timestamp_out_of_tolerance").ShouldBe(1);
        metrics.Count("in", "sandbox", "rejected", "missing_headers").ShouldBe(1);
        metrics.Count("in", "sandbox", "rejected", "unknown_ticket").ShouldBe(1);
        metrics.Count("in", "sandbox", "rejected", "not_a_status_update").ShouldBe(1);
        // A name nobody configured is not a label value: any caller could invent endless names.
        metrics.Count("in", "unknown", "rejected", "unknown_integration").ShouldBeGreaterThanOrEqualTo(1);
        metrics.Measurements.Where(m => m.Direction == "in").ShouldAllBe(m => m.Integration == "sandbox" || m.Integration == "unknown");
        metrics.Measurements.Where(m => m.Direction == "in" && m.Outcome != "rejected").ShouldAllBe(m => m.Reason == null);
        metrics.Measurements.SelectMany(m => m.Labels).Distinct().ShouldBeSubsetOf(["direction", "integration", "outcome", "reason"]);
        var ticket = _ticket;
        metrics.Measurements.Select(m => $"{m.Direction},{m.Integration},{m.Outcome},{m.Reason}").ShouldAllBe(labels => !labels.Contains(ticket, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_updates_out_of_order_When_an_older_one_arrives_last_Then_it_changes_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        (await PostAsync(Body("content_removed", updatedAt: now), OldSecretOnly)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.InboxSettledAsync();
        var (olderId, contradictingId) = (NewId(), NewId());

        (await PostAsync(Body("under_review", updatedAt: now.AddMinutes(-1)), OldSecretOnly, olderId)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PostAsync(Body("refused", updatedAt: now.AddMinutes(1), reasons: "Geen inbreuk."), OldSecretOnly, contradictingId)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.InboxSettledAsync();

        (await host.InboxOutcomeAsync(olderId)).ShouldBe("stale");
        (await host.InboxOutcomeAsync(contradictingId)).ShouldBe("conflict");
        var report = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}");
        report.GetProperty("status").GetString().ShouldBe("Removed");
        report.GetProperty("platformStatus").GetString().ShouldBe("content_removed");
    }

    [Fact]
    public async Task Given_a_quick_run_of_updates_When_applied_in_batches_Then_each_becomes_events_in_the_order_received_with_its_id()
    {
        var ids = Enumerable.Range(0, 12).Select(_ => NewId()).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            (await PostAsync(Body(i % 2 == 0 ? "under_review" : "received"), OldSecretOnly, id)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }
        await host.InboxSettledAsync();

        var correlations = await CorrelationIdsAsync("platform-report-status-changed");
        correlations.ShouldBe(ids);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}")).GetProperty("platformStatus").GetString().ShouldBe("received");
    }

    [Fact]
    public async Task Given_updates_left_waiting_by_a_process_that_stopped_When_the_processor_polls_Then_they_are_applied()
    {
        var (first, second) = (NewId(), NewId());
        var received = DateTimeOffset.UtcNow;
        await InsertPendingAsync(first, Body("under_review"), received);
        await InsertPendingAsync(second, Body("content_removed"), received.AddMilliseconds(1));

        await host.InboxSettledAsync();

        (await host.InboxOutcomeAsync(first)).ShouldBe("applied");
        (await host.InboxOutcomeAsync(second)).ShouldBe("applied");
        (await host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE report_id = @id AND body IS NOT NULL", ("id", _reportId))).ShouldBe(0);
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/platform-reports/{_reportId}")).GetProperty("status").GetString().ShouldBe("Removed");
    }

    [Fact]
    public async Task Given_an_update_whose_applying_fails_When_it_waits_for_its_retry_Then_its_body_is_sealed_with_the_case_key_and_the_rest_applied()
    {
        var (failing, good) = (NewId(), NewId());
        var marker = "reden-" + Guid.NewGuid().ToString("N")[..12];
        // Stored by a version that let a NUL through: jsonb cannot hold it in the report's event, so applying fails.
        await InsertPendingAsync(failing, Body("under\u0000review", reasons: $"Zie {marker}"), DateTimeOffset.UtcNow);
        await InsertPendingAsync(good, Body("content_removed"), DateTimeOffset.UtcNow.AddMilliseconds(1));
        try
        {
            await Eventually.True(async () => await host.InboxOutcomeAsync(good) == "applied");
            await Eventually.True(async () => await host.CountAsync(
                "SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = @id AND attempts >= 1 AND sealed_for IS NOT NULL", ("id", failing)) == 1);

            (await host.InboxOutcomeAsync(failing)).ShouldBe("pending", "it is retried later");
            (await host.CountAsync(
                "SELECT count(*) FROM takedown.webhook_inbox WHERE webhook_id = @id AND strpos(encode(body, 'escape'), @marker) > 0",
                ("id", failing), ("marker", marker))).ShouldBe(0);
            (await host.CountAsync("""
                SELECT count(*) FROM takedown.webhook_inbox i JOIN takedown.case_streams s ON s.stream_id = i.report_id
                WHERE i.webhook_id = @id AND i.sealed_for = s.case_id
                """, ("id", failing))).ShouldBe(1, "sealed with the key of the report's case");
        }
        finally
        {
            // Retried for minutes otherwise, while the other tests wait for an empty inbox.
            await host.CountAsync("WITH d AS (DELETE FROM takedown.webhook_inbox WHERE webhook_id = @id RETURNING 1) SELECT count(*) FROM d", ("id", failing));
        }
    }

    private static readonly string[] OldSecretOnly = [WebhookHostFixture.OldSecret];

    private static string NewId() => "msg_" + Guid.NewGuid().ToString("N");

    private byte[] Body(string status, string? ticket = null, DateTimeOffset? updatedAt = null, string? reasons = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "notice.status_changed",
            timestamp = DateTimeOffset.UtcNow,
            data = new { ticketId = ticket ?? _ticket, status, statementOfReasons = reasons, updatedAt = updatedAt ?? DateTimeOffset.UtcNow },
        });

    private Task<HttpResponseMessage> PostAsync(byte[] body, string[] secrets, string? id = null, long? timestamp = null)
    {
        id ??= NewId();
        var stamp = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return SendAsync(body, id, stamp.ToString(System.Globalization.CultureInfo.InvariantCulture), PythonSigner.Sign(id, stamp, body, secrets));
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, string id, string timestamp, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox") { Content = Json(body) };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", signature);
        return await _anonymous.SendAsync(request);
    }

    private static ByteArrayContent Json(byte[] body) =>
        new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    private Task<long> InboxCountAsync() =>
        host.CountAsync("SELECT count(*) FROM takedown.webhook_inbox WHERE report_id = @id", ("id", _reportId));

    private async Task InsertPendingAsync(string id, byte[] body, DateTimeOffset receivedAt)
    {
        await using var connection = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO takedown.webhook_inbox (integration, webhook_id, received_at, next_attempt_at, outcome, report_id, body)
            VALUES ('sandbox', @id, @at, @at, 'pending', @report, @body)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", receivedAt);
        command.Parameters.AddWithValue("report", _reportId);
        command.Parameters.AddWithValue("body", body);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> CorrelationIdsAsync(string eventType)
    {
        await using var connection = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT correlation_id FROM takedown_events.mt_events WHERE stream_id = @id AND type = @type ORDER BY version", connection);
        command.Parameters.AddWithValue("id", _reportId);
        command.Parameters.AddWithValue("type", eventType);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        }
        return result;
    }

    private Task<long> EventCountAsync() =>
        host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = @id", ("id", _reportId));
}
