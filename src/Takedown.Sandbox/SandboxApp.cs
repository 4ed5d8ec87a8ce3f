using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Takedown.ServiceDefaults;

namespace Takedown.Sandbox;

/// <summary>
/// A fake hosting platform with a DSA notice API, for tests and demos. Its behaviour is scripted through
/// <c>POST /sandbox/scenario</c>; <c>GET /sandbox/filings</c> shows what was really filed.
/// </summary>
public static partial class SandboxApp
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Builds the sandbox; <c>--urls http://127.0.0.1:0</c> picks a free port.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.Configure<SandboxOptions>(builder.Configuration.GetSection("Sandbox"));
        builder.Services.AddSingleton<SandboxState>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient("webhooks", c => c.Timeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();

        app.MapDefaultEndpoints();
        MapReportApi(app);
        MapToken(app);
        MapControl(app);
        return app;
    }

    private static void MapReportApi(WebApplication app)
    {
        app.MapPost("/v1/notices", async (HttpContext http, SandboxState state, IOptions<SandboxOptions> options,
            TimeProvider time, IHttpClientFactory clients, ILoggerFactory loggers) =>
        {
            var result = await FileNotice(http, state, options.Value, time, clients, loggers.CreateLogger("Sandbox"));
            state.Record(new CallRecord("POST", "/v1/notices", StatusOf(result), time.GetUtcNow()));
            return result;
        });

        app.MapPost("/v1/notices/{ticket}/complaints", async (string ticket, HttpContext http, SandboxState state,
            IOptions<SandboxOptions> options, TimeProvider time, IHttpClientFactory clients, ILoggerFactory loggers) =>
        {
            var result = await FileComplaint(ticket, http, state, options.Value, time, clients, loggers.CreateLogger("Sandbox"));
            state.Record(new CallRecord("POST", "/v1/notices/" + ticket + "/complaints", StatusOf(result), time.GetUtcNow()));
            return result;
        });

        app.MapGet("/v1/notices/{ticket}", async (string ticket, HttpContext http, SandboxState state,
            IOptions<SandboxOptions> options, TimeProvider time) =>
        {
            var result = await ReadNotice(ticket, http, state, options.Value);
            state.Record(new CallRecord("GET", "/v1/notices/" + ticket, StatusOf(result), time.GetUtcNow()));
            return result;
        });
    }

    private static async Task<IResult> FileNotice(HttpContext http, SandboxState state, SandboxOptions options,
        TimeProvider time, IHttpClientFactory clients, ILogger logger)
    {
        if (!IsAuthorised(http.Request, state, options))
        {
            return Results.Unauthorized();
        }
        var step = state.NextStep();
        if (Failure(step, time) is { } failure)
        {
            return failure;
        }
        NoticeRequest? notice;
        try
        {
            notice = await http.Request.ReadFromJsonAsync<NoticeRequest>(Json);
        }
        catch (JsonException)
        {
            return Results.Problem("The body is not a notice.", statusCode: StatusCodes.Status400BadRequest);
        }
        // A real platform checks the Art. 16(2) elements too; an incomplete notice is refused as unprocessable.
        if (notice is null || notice.Urls is not { Count: > 0 } || string.IsNullOrWhiteSpace(notice.Explanation)
            || string.IsNullOrWhiteSpace(notice.Notifier?.Name) || string.IsNullOrWhiteSpace(notice.Notifier?.Email)
            || string.IsNullOrWhiteSpace(notice.GoodFaithStatement))
        {
            return Results.Problem("The notice lacks DSA Art. 16(2) elements.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        if (step.Kind == StepKind.Slow)
        {
            // Not cancelled with the request: a platform keeps working when the client gives up waiting.
            await Task.Delay(step.DelayMs, CancellationToken.None);
        }
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        var now = time.GetUtcNow();
        var (filing, created) = state.File(string.IsNullOrEmpty(key) ? null : key, ticket =>
            step.Kind == StepKind.Refuse
                ? new Filing(ticket, key, notice.Reference ?? "", notice.Urls, notice.Category ?? "", "refused",
                    step.Reasons ?? "The content is not illegal under the applicable law.", now, now)
                : new Filing(ticket, key, notice.Reference ?? "", notice.Urls, notice.Category ?? "", "received", null, now, now));
        if (created && step.WebhookAfterMs is { } after)
        {
            _ = SendWebhookLaterAsync(filing.TicketId, after, step.WebhookStatus ?? "content_removed", step.WebhookReasons,
                state, options, time, clients, logger);
        }
        if (step.Kind == StepKind.ErrorAfterFiling)
        {
            return Results.Problem("Filed, but the answer was lost.", statusCode: StatusCodes.Status500InternalServerError);
        }
        var answer = Answer(filing);
        return created ? Results.Json(answer, Json, statusCode: StatusCodes.Status201Created) : Results.Json(answer, Json);
    }

    /// <summary>
    /// An internal complaint (DSA Art. 20) against the decision on a notice: accepted only against a refusal, once per
    /// Idempotency-Key. The platform's new decision follows as a status webhook when the scenario step asks for one.
    /// </summary>
    private static async Task<IResult> FileComplaint(string ticket, HttpContext http, SandboxState state, SandboxOptions options,
        TimeProvider time, IHttpClientFactory clients, ILogger logger)
    {
        if (!IsAuthorised(http.Request, state, options))
        {
            return Results.Unauthorized();
        }
        var step = state.NextStep();
        if (Failure(step, time) is { } failure)
        {
            return failure;
        }
        ComplaintRequest? complaint;
        try
        {
            complaint = await http.Request.ReadFromJsonAsync<ComplaintRequest>(Json);
        }
        catch (JsonException)
        {
            return Results.Problem("The body is not a complaint.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (complaint is null || string.IsNullOrWhiteSpace(complaint.Grounds))
        {
            return Results.Problem("A complaint needs its grounds.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        var now = time.GetUtcNow();
        var (filed, created, found) = state.Complain(ticket, string.IsNullOrEmpty(key) ? null : key, complaint.Reference ?? "", complaint.Grounds, now);
        if (!found)
        {
            return Results.Problem("No notice has this ticket id.", statusCode: StatusCodes.Status404NotFound);
        }
        if (filed is null)
        {
            return Results.Problem("Only a refusal can be contested.", statusCode: StatusCodes.Status409Conflict);
        }
        if (created && step.WebhookAfterMs is { } after)
        {
            _ = SendWebhookLaterAsync(ticket, after, step.WebhookStatus ?? "content_removed", step.WebhookReasons,
                state, options, time, clients, logger);
        }
        var answer = new { complaintId = filed.ComplaintId, ticketId = filed.TicketId, status = "under_review", receivedAt = filed.ReceivedAt };
        return created ? Results.Json(answer, Json, statusCode: StatusCodes.Status201Created) : Results.Json(answer, Json);
    }

    private static async Task<IResult> ReadNotice(string ticket, HttpContext http, SandboxState state, SandboxOptions options)
    {
        if (!IsAuthorised(http.Request, state, options))
        {
            return Results.Unauthorized();
        }
        var step = state.NextStep();
        if (Failure(step, TimeProvider.System) is { } failure)
        {
            return failure;
        }
        if (step.Kind == StepKind.Slow)
        {
            await Task.Delay(step.DelayMs, CancellationToken.None);
        }
        return state.Find(ticket) is { } filing ? Results.Json(Answer(filing), Json) : Results.NotFound();
    }

    private static IResult? Failure(ScenarioStep step, TimeProvider time) => step.Kind switch
    {
        StepKind.TooManyRequests => new RetryAfterResult(step.RetryAfterAsDate
            ? (time.GetUtcNow() + TimeSpan.FromSeconds(step.RetryAfterSeconds)).ToString("R", CultureInfo.InvariantCulture)
            : step.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)),
        StepKind.Error => Results.Problem("Scripted failure.", statusCode: StatusCodes.Status500InternalServerError),
        _ => null,
    };

    private static object Answer(Filing f) => new
    {
        ticketId = f.TicketId,
        status = f.Status,
        statementOfReasons = f.StatementOfReasons,
        receivedAt = f.ReceivedAt,
        updatedAt = f.UpdatedAt,
    };

    private static int StatusOf(IResult result) => result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;

    private static bool IsAuthorised(HttpRequest request, SandboxState state, SandboxOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey)
            && request.Headers.TryGetValue(options.ApiKeyHeader, out var key)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key.ToString()), Encoding.UTF8.GetBytes(options.ApiKey)))
        {
            return true;
        }
        return AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth)
            && string.Equals(auth.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            && auth.Parameter is { } token
            && state.IsValidToken(token);
    }

    private static void MapToken(WebApplication app)
    {
        app.MapPost("/oauth/token", async (HttpRequest request, SandboxState state, IOptions<SandboxOptions> options) =>
        {
            var o = options.Value;
            if (!request.HasFormContentType)
            {
                return Results.Json(new { error = "invalid_request" }, statusCode: StatusCodes.Status400BadRequest);
            }
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials")
            {
                return Results.Json(new { error = "unsupported_grant_type" }, statusCode: StatusCodes.Status400BadRequest);
            }
            if (string.IsNullOrEmpty(o.ClientId) || form["client_id"] != o.ClientId || form["client_secret"] != o.ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
            }
            return Results.Json(new
            {
                access_token = state.IssueToken(),
                token_type = "Bearer",
                expires_in = o.TokenLifetimeSeconds,
            });
        });
    }

    private static void MapControl(WebApplication app)
    {
        app.MapPost("/sandbox/scenario", (Scenario scenario, SandboxState state) =>
        {
            state.Script(scenario.Steps);
            return Results.NoContent();
        });
        app.MapPost("/sandbox/reset", (SandboxState state) =>
        {
            state.Reset();
            return Results.NoContent();
        });
        app.MapGet("/sandbox/filings", (SandboxState state) => Results.Json(state.Filings(), Json));
        app.MapGet("/sandbox/complaints", (SandboxState state) => Results.Json(state.Complaints(), Json));
        app.MapGet("/sandbox/calls", (SandboxState state) => Results.Json(state.Calls(), Json));
        app.MapGet("/sandbox/tokens", (SandboxState state) => Results.Json(new { issued = state.TokensIssued }, Json));
    }

    private static async Task SendWebhookLaterAsync(string ticket, int afterMs, string status, string? reasons,
        SandboxState state, SandboxOptions options, TimeProvider time, IHttpClientFactory clients, ILogger logger)
    {
        try
        {
            await Task.Delay(afterMs);
            var decided = state.Decide(ticket, status, status == "refused" ? reasons ?? "The content is not illegal." : reasons, time.GetUtcNow());
            if (decided is null || string.IsNullOrEmpty(options.WebhookUrl) || string.IsNullOrEmpty(options.WebhookSecret))
            {
                return;
            }
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                type = "notice.status_changed",
                timestamp = decided.UpdatedAt,
                data = new
                {
                    ticketId = decided.TicketId,
                    reference = decided.Reference,
                    status = decided.Status,
                    statementOfReasons = decided.StatementOfReasons,
                    updatedAt = decided.UpdatedAt,
                },
            }, Json);
            var id = "msg_" + Guid.NewGuid().ToString("N");
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp);
            request.Headers.Add("webhook-signature", Sign(options.WebhookSecret, id, timestamp, body));
            using var response = await clients.CreateClient("webhooks").SendAsync(request);
            LogWebhook(logger, ticket, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException)
        {
            LogWebhookFailed(logger, ticket, e.GetType().Name);
        }
    }

    // Signed here rather than with Takedown.Platforms' signer: the sandbox stands for someone else's platform,
    // and the end-to-end tests should show that two separate implementations of the scheme agree.
    private static string Sign(string secret, string id, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Status webhook for {Ticket} answered {Status}")]
    private static partial void LogWebhook(ILogger logger, string ticket, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status webhook for {Ticket} failed: {Error}")]
    private static partial void LogWebhookFailed(ILogger logger, string ticket, string error);

    private sealed record NotifierRequest(string? Name, string? Email);

    private sealed record NoticeRequest(
        string? Reference,
        IReadOnlyList<string>? Urls,
        string? Explanation,
        string? Category,
        NotifierRequest? Notifier,
        string? GoodFaithStatement);

    private sealed record ComplaintRequest(string? Reference, string? Grounds);

    private sealed class RetryAfterResult(string retryAfter) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status429TooManyRequests;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = retryAfter;
            return Task.CompletedTask;
        }
    }
}
