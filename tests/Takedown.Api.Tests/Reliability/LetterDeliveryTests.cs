using Takedown.Application.EventStorage;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Operator;
using Takedown.Domain.Letters;
using Marten;

namespace Takedown.Api.Tests.Reliability;

/// <summary>
/// The gap between an SMTP server's acceptance and the commit that records it: a retry after a lost commit must record
/// the earlier delivery, not send the letter again. (ops/fault-test.sh causes the real thing with a database restart.)
/// </summary>
public sealed class LetterDeliveryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task A_letter_the_smtp_server_already_accepted_is_recorded_as_sent_and_not_sent_again()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "journal.victim@slachtoffer.example");
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Journaal B.V.", controllerEmail = "privacy@journaal.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://journaal.example/p/1" },
        });
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter");
        var letterId = letter.GetProperty("letterId").GetGuid();
        var sha = letter.GetProperty("contentSha256").GetString()!;
        // What an earlier attempt left behind when the SMTP server accepted and its transaction was then lost.
        await ExecuteAsync(
            "INSERT INTO takedown.letter_deliveries (letter_id, message_id, content_sha256, server_reply, sent_at) VALUES ($1, $2, $3, '250 OK', now())",
            letterId, $"<{letterId}@takedown.example>", sha);

        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve", new { contentSha256 = sha })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}")).GetProperty("status").GetString() != "Sent")
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the delivery was not recorded");
            await Task.Delay(100);
        }
        factory.Smtp.ReceivedFor("privacy@journaal.example").ShouldBeEmpty();
        (await ScalarAsync("SELECT data->>'messageId' FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'letter-sent'", letterId))
            .ShouldBe($"<{letterId}@takedown.example>");
    }

    [Fact]
    public async Task A_sent_letter_leaves_its_receipt_in_the_journal_before_anything_else_is_recorded()
    {
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: "journal.two@slachtoffer.example");
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Journaal Twee B.V.", controllerEmail = "privacy@journaal-twee.example", controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://journaal.example/p/2" },
        });
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter");
        var letterId = letter.GetProperty("letterId").GetGuid();

        await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve", new { contentSha256 = letter.GetProperty("contentSha256").GetString() });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (factory.Smtp.ReceivedFor("privacy@journaal-twee.example").Count == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the letter was not sent");
            await Task.Delay(100);
        }
        var received = factory.Smtp.ReceivedFor("privacy@journaal-twee.example").ShouldHaveSingleItem();
        var journal = await ScalarAsync("SELECT message_id FROM takedown.letter_deliveries WHERE letter_id = $1", letterId);
        journal.ShouldNotBeNull();
        System.Text.Encoding.UTF8.GetString(received.Raw).ShouldContain("Message-ID: " + journal);
    }

    [Theory]
    [InlineData("reject", "550")]
    [InlineData("reject-data", "554")]
    public async Task A_letter_the_smtp_server_refuses_for_good_is_recorded_as_failed_and_queued_for_the_operators(string localPart, string code)
    {
        var controllerEmail = $"{localPart}@weigeraar.example";
        var caseId = await ApiFactory.OpenCaseAsync(_partner, victimEmail: $"{localPart}.victim@slachtoffer.example");
        var drafted = await _partner.PostAsJsonAsync($"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Weigeraar B.V.", controllerEmail, controllerCountry = "NL",
            personalData = new[] { "adres" }, urls = new[] { "https://weigeraar.example/p/1" },
        });
        var requestId = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var letter = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}/letter");
        var letterId = letter.GetProperty("letterId").GetGuid();

        (await _partner.PostAsJsonAsync($"/api/v1/erasure-requests/{requestId}/approve", new { contentSha256 = letter.GetProperty("contentSha256").GetString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync("SELECT status FROM takedown.letter_overview WHERE id = $1", letterId) != "Failed")
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the refusal was not recorded");
            await Task.Delay(100);
        }
        var failed = (await factory.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(letterId))
            .Select(e => e.Data).OfType<LetterSendFailed>().ShouldHaveSingleItem();
        failed.StatusCode.ShouldBe(code);
        failed.Reason.ShouldNotBeNullOrWhiteSpace();
        var queued = (await factory.Services.GetRequiredService<FailedLetters>().ListAsync(default)).Single(r => r.LetterId == letterId);
        queued.Failure.ShouldStartWith(code);
        queued.Counterparty.ShouldBe("Weigeraar B.V.");
        factory.Smtp.ReceivedFor(controllerEmail).ShouldBeEmpty();
        // Not received, so no clock runs: the request stays approved, not sent.
        (await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/erasure-requests/{requestId}")).GetProperty("status").GetString().ShouldBe("Approved");
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> ScalarAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync() as string;
    }
}
