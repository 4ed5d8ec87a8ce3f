using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Tests.Security;
using Takedown.Application.Privacy;
using Takedown.Application.Webhooks;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Testing;

namespace Takedown.Api.Tests.Webhooks;

/// <summary>
/// Subscription secrets are sealed under the master key: a dump of the database holds none of them in the clear, the
/// deliveries still verify with the secret the partner was shown, and a master key rotation seals them again.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookSecretSealingTests(WebhookHostFixture host) : IAsyncLifetime
{
    private readonly HttpClient _partner = host.Client();

    public async Task InitializeAsync()
    {
        await host.ResetSandboxAsync();
        host.SubscriberStatus = 204;
        foreach (var s in (await _partner.GetFromJsonAsync<JsonElement>("/api/v1/webhook-subscriptions")).EnumerateArray())
        {
            await _partner.DeleteAsync($"/api/v1/webhook-subscriptions/{s.GetProperty("id").GetGuid()}");
        }
        host.Deliveries.Clear();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_dump_holds_no_secret_in_the_clear_and_deliveries_verify_with_the_secret_shown_once()
    {
        var response = await _partner.PostAsJsonAsync("/api/v1/webhook-subscriptions",
            new { url = host.SubscriberUrl.ToString(), eventTypes = new[] { "platform_report.filed" } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        // And one stored in plaintext before secrets were sealed, which the start-up pass seals.
        var legacyId = Guid.CreateVersion7();
        var legacySecret = PythonSigner.NewSecret();
        await ExecuteAsync(
            "INSERT INTO takedown.webhook_subscriptions (id, owner, url, secret, event_types, created_at) VALUES ($1, 'integration:hooks', $2, $3, '{platform_report.filed}', now())",
            legacyId, host.SubscriberUrl + "?legacy", legacySecret);
        var options = host.ApiServices.GetRequiredService<DatabaseOptions>();
        (await WebhookSecretSealing.SealPlaintextAsync(host.ApiServices.GetRequiredService<NpgsqlDataSource>(), options, CancellationToken.None))
            .ShouldBe(1);

        foreach (var value in new[] { secret, legacySecret })
        {
            var dump = await PgDump.DumpAsync(host.ConnectionString);
            dump.Length.ShouldBeGreaterThan(10_000, "the dump holds the database");
            dump.ShouldContain("webhook_subscriptions");
            foreach (var form in Forms(value))
            {
                dump.ShouldNotContain(form, Case.Insensitive);
                (await DatabaseScan.TablesContainingAsync(host.ConnectionString, form)).ShouldBeEmpty();
            }
        }
        (await host.CountAsync("SELECT count(*) FROM takedown.webhook_subscriptions WHERE secret IS NOT NULL OR sealed_secret IS NULL"))
            .ShouldBe(0);

        await WebhookHostFixture.DraftReportAsync(_partner);

        await Eventually.True(() => Task.FromResult(host.Deliveries.Count >= 2));
        var deliveries = host.Deliveries.ToList();
        deliveries.Count.ShouldBe(2);
        foreach (var delivery in deliveries)
        {
            var timestamp = long.Parse(delivery.Timestamp, System.Globalization.CultureInfo.InvariantCulture);
            // Signed by our code, checked by Python's, each with the secret its partner holds.
            new[] { secret, legacySecret }.Count(s => PythonSigner.Sign(delivery.Id, timestamp, delivery.Body, s) == delivery.Signature)
                .ShouldBe(1);
        }
    }

    [Fact]
    public async Task Rotating_the_master_key_seals_every_secret_again_and_the_old_key_then_opens_none()
    {
        var dataSource = host.ApiServices.GetRequiredService<NpgsqlDataSource>();
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var before = Options(oldKey);
        var during = Options(newKey, oldKey);
        var after = Options(newKey);
        var id = Guid.CreateVersion7();
        var secret = PythonSigner.NewSecret();
        await ExecuteAsync(
            "INSERT INTO takedown.webhook_subscriptions (id, owner, url, sealed_secret, event_types, created_at) VALUES ($1, 'integration:rotation', 'https://hooks.example/r', $2, '{}', now())",
            id, WebhookSecretSealing.Seal(before, id, secret));
        try
        {
            WebhookSecretSealing.Open(during, id, await SealedAsync(id)).ShouldBe(secret, "the previous key opens it during the rotation");
            WebhookSecretSealing.Open(after, id, await SealedAsync(id)).ShouldBeNull();

            var (rewrapped, _) = await WebhookSecretSealing.RewrapAsync(dataSource, during, CancellationToken.None);
            var (again, _) = await WebhookSecretSealing.RewrapAsync(dataSource, during, CancellationToken.None);

            rewrapped.ShouldBe(1);
            again.ShouldBe(0);
            WebhookSecretSealing.Open(after, id, await SealedAsync(id)).ShouldBe(secret);
            WebhookSecretSealing.Open(before, id, await SealedAsync(id)).ShouldBeNull();
            // A sealed secret does not open as another subscription's.
            WebhookSecretSealing.Open(after, Guid.CreateVersion7(), await SealedAsync(id)).ShouldBeNull();
        }
        finally
        {
            await ExecuteAsync("DELETE FROM takedown.webhook_subscriptions WHERE id = $1", id);
        }
    }

    /// <summary>The secret as given, its key in base64, and the key's bytes as a dump writes bytea (hex).</summary>
    private static IEnumerable<string> Forms(string secret)
    {
        var key = secret["whsec_".Length..];
        return [secret, key, Convert.ToHexString(Convert.FromBase64String(key))];
    }

    private static DatabaseOptions Options(byte[] masterKey, byte[]? previous = null)
    {
        var settings = new Dictionary<string, string?> { ["Privacy:MasterKey"] = Convert.ToBase64String(masterKey) };
        if (previous is not null)
        {
            settings["Privacy:PreviousMasterKeys:0"] = Convert.ToBase64String(previous);
        }
        return new DatabaseOptions().ProtectPersonalData(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    private async Task<byte[]> SealedAsync(Guid id) =>
        (byte[])(await host.ScalarAsync("SELECT sealed_secret FROM takedown.webhook_subscriptions WHERE id = @id", ("id", id)))!;

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}
