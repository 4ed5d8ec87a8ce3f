using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Takedown.Api.Tests;

public sealed class CasesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _partner = factory.ClientFor(ApiFactory.PartnerKey);

    [Fact]
    public async Task Opened_case_is_returned_with_its_projected_state()
    {
        var opened = await _partner.PostAsJsonAsync("/api/cases", new { victimName = "Anna de Vries", victimEmail = "anna@slachtoffer.example", language = "en" });

        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        body.GetProperty("reference").GetString()!.ShouldStartWith("TD-");
        opened.Headers.Location!.ToString().ShouldBe($"/api/v1/cases/{id}");

        var read = await _partner.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{id}");
        read.GetProperty("status").GetString().ShouldBe("Open");
        read.GetProperty("language").GetString().ShouldBe("en");
        read.GetProperty("escalationMode").GetString().ShouldBe("OperatorReview");
        read.GetProperty("requests").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Another_integration_cannot_see_the_case_and_an_unknown_id_looks_the_same()
    {
        var id = await OpenCase();
        var other = factory.ClientFor(ApiFactory.OtherPartnerKey);

        var guessed = await other.GetAsync($"/api/cases/{id}");
        var unknown = await other.GetAsync($"/api/cases/{Guid.NewGuid()}");

        guessed.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var guessedProblem = await guessed.Content.ReadFromJsonAsync<JsonElement>();
        var unknownProblem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        guessedProblem.GetProperty("detail").GetString().ShouldBe(unknownProblem.GetProperty("detail").GetString());
        guessedProblem.EnumerateObject().Select(p => p.Name).ShouldBe(unknownProblem.EnumerateObject().Select(p => p.Name));
        guessed.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_and_nothing_is_stored()
    {
        var before = await CountEvents();

        var badLanguage = await _partner.PostAsJsonAsync("/api/cases", new { victimName = "Anna", victimEmail = "anna@slachtoffer.example", language = "fr" });
        var badJson = await _partner.PostAsync("/api/cases", new StringContent("{\"language\": ", Encoding.UTF8, "application/json"));
        var wrongType = await _partner.PostAsync("/api/cases", new StringContent("{\"escalationMode\": 42}", Encoding.UTF8, "application/json"));

        badLanguage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await badLanguage.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("language")[0].GetString().ShouldBe("Use \"nl\" or \"en\".");
        badLanguage.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        badJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        badJson.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountEvents()).ShouldBe(before);
    }

    [Fact]
    public async Task Without_a_key_or_with_an_unknown_key_the_api_answers_401_problem()
    {
        var anonymous = await factory.CreateClient().PostAsJsonAsync("/api/cases", new { });
        var unknown = await factory.ClientFor("not-a-key").GetAsync($"/api/cases/{Guid.NewGuid()}");

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_read_only_key_cannot_open_a_case()
    {
        var response = await factory.ClientFor(ApiFactory.ReadOnlyKey).PostAsJsonAsync("/api/cases", new { });

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_live_always_and_ready_only_while_postgres_answers()
    {
        var client = factory.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var database = new NpgsqlConnectionStringBuilder(factory.ConnectionString).Database;
        await AdminExec($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        await AdminExec($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        NpgsqlConnection.ClearAllPools();
        try
        {
            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await AdminExec($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task<Guid> OpenCase() => ApiFactory.OpenCaseAsync(_partner);

    private async Task<long> CountEvents()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM takedown_events.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AdminExec(string sql)
    {
        await using var connection = new NpgsqlConnection(Takedown.Testing.PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
