using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Application.ErasureRequests;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Tests;

/// <summary>A partner opens an AP complaint for a refused or overdue erasure request and follows it through the API.</summary>
public sealed class ApComplaintsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    private IDocumentStore Store => factory.Services.GetRequiredService<IDocumentStore>();

    private DeadlineEngine Engine => factory.Services.GetRequiredService<DeadlineEngine>();

    [Fact]
    public async Task Refused_request_gets_one_complaint_waiting_for_the_operators_and_asking_again_returns_it()
    {
        var (_, requestId) = await DraftedAsync();
        await factory.AnswerErasureRequestAsync(requestId, ErasureOutcome.Refused);

        var opened = await _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null);
        var again = await _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null);

        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        opened.Headers.Location!.ToString().ShouldBe($"/api/v1/ap-complaints/{id}");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid().ShouldBe(id);
        id.ShouldBe(ApComplaintEscalation.ComplaintIdFor(requestId));
        var complaint = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/ap-complaints/{id}");
        complaint.GetProperty("status").GetString().ShouldBe("Prepared");
        complaint.GetProperty("erasureRequestId").GetGuid().ShouldBe(requestId);
        complaint.GetProperty("apReference").ValueKind.ShouldBe(JsonValueKind.Null);
        complaint.GetProperty("progressDeadline").ValueKind.ShouldBe(JsonValueKind.Null, "the AP's clock starts when the complaint is lodged");
        var state = (await Store.AggregateStreamAsync(id, ApComplaint.Initial, ApComplaint.Evolve)).State;
        state.Text.ShouldContain("geweigerd");
        state.Evidence.ShouldContain(line => line.Contains("verzoek geweigerd", StringComparison.Ordinal));
        (await RequestAsync(requestId)).Status.ShouldBe(ErasureRequestStatus.Escalated);
        (await CountAsync("SELECT count(*) FROM takedown.request_overview WHERE id = $1 AND needs_operator", id)).ShouldBe(1);
        // Prepared, with the dossier the operators review beside it; the second call appended nothing.
        (await CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1", id)).ShouldBe(2, "the second call appended nothing");
    }

    [Fact]
    public async Task Overdue_request_is_recorded_as_missed_escalated_and_the_victim_is_told()
    {
        var (caseId, requestId) = await DraftedAsync(victimEmail: "te-laat@slachtoffer.example", approve: false);
        // Received two months ago and never answered: its deadline passed without the deadline check having run yet.
        var receivedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddMonths(-2));
        await AppendAsync(requestId,
            new ErasureRequestApproved(requestId, DateTimeOffset.UtcNow.AddMonths(-2)),
            new ErasureRequestSent(requestId, receivedOn, DateTimeOffset.UtcNow.AddMonths(-2)));

        var opened = await _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null);

        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        var types = (await Store.FetchStreamAsync(requestId)).Select(e => e.EventTypeName).ToList();
        types.ShouldContain("deadline-missed");
        types[^1].ShouldBe("erasure-request-escalated");
        var complaint = (await Store.AggregateStreamAsync(ApComplaintEscalation.ComplaintIdFor(requestId), ApComplaint.Initial, ApComplaint.Evolve)).State;
        complaint.CaseId.ShouldBe(caseId);
        complaint.Text.ShouldContain("had uiterlijk op");
        await EventuallyAsync(() => factory.Smtp.ReceivedFor("te-laat@slachtoffer.example").Count == 1, "the victim's notice is sent");
        (await CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE request_id = $1 AND kind = 'VictimNoticeDeadlineMissed'", requestId))
            .ShouldBe(1);
    }

    [Fact]
    public async Task Request_that_is_neither_refused_nor_overdue_is_refused_with_a_409_problem_and_nothing_is_stored()
    {
        var (_, drafted) = await DraftedAsync(approve: false);
        var (_, waiting) = await DraftedAsync();
        await factory.WaitUntilSentAsync(waiting);
        var (_, complied) = await DraftedAsync();
        await factory.AnswerErasureRequestAsync(complied, ErasureOutcome.Complied);

        foreach (var id in new[] { drafted, waiting, complied })
        {
            var before = (await Store.FetchStreamAsync(id)).Count;

            var response = await _partner.PostAsync($"/api/v1/erasure-requests/{id}/ap-complaint", null);

            response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("refused");
            (await CountAsync("SELECT count(*) FROM takedown.case_streams WHERE stream_id = $1", ApComplaintEscalation.ComplaintIdFor(id))).ShouldBe(0);
            (await Store.FetchStreamAsync(id)).Count.ShouldBe(before);
        }
    }

    [Fact]
    public async Task Lodged_complaint_shows_the_ap_reference_and_the_progress_deadline_explained_in_dutch_and_english()
    {
        var (_, requestId) = await DraftedAsync();
        await factory.AnswerErasureRequestAsync(requestId, ErasureOutcome.PartlyComplied);
        var id = (await (await _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // Recorded on 12 February; the AP's confirmation says it received the complaint on 10 February (GDPR Art. 78(2)).
        var lodgedAt = new DateTimeOffset(2026, 2, 12, 10, 30, 0, TimeSpan.Zero);
        await AppendAsync(id,
            new ApComplaintReviewed(id, "olga", "Klacht, nagekeken.", lodgedAt.AddDays(-3)),
            new ApComplaintLodged(id, "AP-2026-004211", lodgedAt, null, new DateOnly(2026, 2, 10), ApLodger.Victim, Takedown.Domain.Letters.LetterChannels.WebForm));

        var complaint = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/ap-complaints/{id}");

        complaint.GetProperty("status").GetString().ShouldBe("Lodged");
        complaint.GetProperty("apReference").GetString().ShouldBe("AP-2026-004211");
        complaint.GetProperty("lodgedOn").GetString().ShouldBe("2026-02-10");
        var deadline = complaint.GetProperty("progressDeadline");
        var expected = Engine.ApProgress(new DateOnly(2026, 2, 10));
        deadline.GetProperty("kind").GetString().ShouldBe("ap-progress");
        deadline.GetProperty("dueDate").GetString().ShouldBe(expected.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        deadline.GetProperty("explanationNl").GetString()!.ShouldContain("AVG art. 78 lid 2");
        deadline.GetProperty("explanationEn").GetString()!.ShouldContain("GDPR Art. 78(2)");
        complaint.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString())
            .ShouldBe(["ap-complaint-prepared", "ap-dossier-prepared", "ap-complaint-reviewed", "ap-complaint-lodged"]);
    }

    [Fact]
    public async Task A_change_to_the_request_at_the_same_moment_is_a_409_problem_and_nothing_of_the_complaint_is_stored()
    {
        var (_, requestId) = await DraftedAsync();
        await factory.AnswerErasureRequestAsync(requestId, ErasureOutcome.Refused);
        var version = (await Store.FetchStreamAsync(requestId))[^1].Version;

        // Another writer appends to the request and holds its transaction open: the API reads the request as it was,
        // decides, and its append waits for that writer's row lock; when the writer commits, the version moved.
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var other = Store.OpenSession(transaction, new EventMetadata("other-writer", null, "operator:test"));
        // Marten's expected version is the stream's version once the events are appended.
        other.Events.Append(requestId, version + 1, new ReplyReceived(requestId, Guid.NewGuid(), new string('a', 64), "Unknown", 0.2, DateTimeOffset.UtcNow));
        await other.SaveChangesAsync();

        var post = _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null);
        await EventuallyAsync(async () => post.IsCompleted || await WaitingOnLocksAsync() > 0, "the API's append waits for the other writer");
        post.IsCompleted.ShouldBeFalse("the API must have been waiting for the lock");
        await transaction.CommitAsync();
        var response = await post;

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(409);
        problem.GetProperty("title").GetString().ShouldBe("Changed by someone else");
        (await CountAsync("SELECT count(*) FROM takedown.case_streams WHERE stream_id = $1", ApComplaintEscalation.ComplaintIdFor(requestId))).ShouldBe(0);
        (await RequestAsync(requestId)).Status.ShouldBe(ErasureRequestStatus.Answered);
        (await Store.FetchStreamAsync(requestId))[^1].EventTypeName.ShouldBe("reply-received");

        // Tried again on the current version, it goes through.
        (await _partner.PostAsync($"/api/v1/erasure-requests/{requestId}/ap-complaint", null)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private async Task<(Guid CaseId, Guid RequestId)> DraftedAsync(string victimEmail = "anna@slachtoffer.example", bool approve = true)
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: victimEmail);
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Weigeraar B.V.", controllerEmail = "privacy@weigeraar.example", controllerCountry = "NL",
            personalData = new[] { "woonadres" }, urls = new[] { "https://weigeraar.example/p/1" },
        });
        drafted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (!approve)
        {
            return (caseId, requestId);
        }
        var sha = (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter")).GetProperty("contentSha256").GetString();
        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        return (caseId, requestId);
    }

    private async Task<ErasureRequest> RequestAsync(Guid id) =>
        (await Store.AggregateStreamAsync(id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;

    private async Task AppendAsync(Guid streamId, params object[] events)
    {
        await using var session = Store.LightweightSession(new EventMetadata("seed", null, "system"));
        session.Events.Append(streamId, events);
        await session.SaveChangesAsync();
    }

    private Task<long> WaitingOnLocksAsync() =>
        CountAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
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

    private static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);
}
