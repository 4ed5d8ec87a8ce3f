using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>
/// <see cref="IPlatformReportApi"/> over one platform's named <see cref="HttpClient"/>. Every attempt is a new
/// request with the same <c>Idempotency-Key</c>; what is logged names the platform, the ticket and the status,
/// never the notice's content.
/// </summary>
public sealed partial class HttpPlatformReportApi(
    HttpClient http,
    PlatformOptions platform,
    ResiliencePipeline<HttpResponseMessage> pipeline,
    OAuthTokenSource tokens,
    TimeProvider time,
    ILogger<HttpPlatformReportApi> logger) : IPlatformReportApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<FiledNotice> FileNoticeAsync(DsaNotice notice, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        DsaNoticeCheck.EnsureComplete(notice);
        if (!platform.Categories.Contains(notice.Category, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Platform '{platform.Name}' does not take notices in category '{notice.Category}'.", nameof(notice));
        }
        var body = new NoticeBody(
            notice.Reference,
            notice.Urls,
            notice.Explanation,
            notice.Category,
            new NotifierBody(notice.Notifier.Name, notice.Notifier.Email),
            notice.GoodFaithStatement);

        var receipt = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "v1/notices")
            {
                Content = JsonContent.Create(body, options: Json),
                Headers = { { IdempotencyKeyHeader, idempotencyKey } },
            },
            "file notice",
            ct).ConfigureAwait(false);
        var filed = await ReadAsync<NoticeAnswer>(receipt, ct).ConfigureAwait(false);
        LogFiled(logger, platform.Name, filed.TicketId, (int)receipt.StatusCode);
        return new FiledNotice(filed.TicketId, Webhooks.NoticeStatusWebhook.ParseState(filed.Status), filed.StatementOfReasons, filed.ReceivedAt ?? filed.UpdatedAt ?? default);
    }

    public async Task<FiledComplaint> FileComplaintAsync(string ticketId, InternalComplaint complaint, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        ArgumentNullException.ThrowIfNull(complaint);
        ArgumentException.ThrowIfNullOrWhiteSpace(complaint.Grounds);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var body = new ComplaintBody(complaint.Reference, complaint.Grounds);
        var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "v1/notices/" + Uri.EscapeDataString(ticketId) + "/complaints")
            {
                Content = JsonContent.Create(body, options: Json),
                Headers = { { IdempotencyKeyHeader, idempotencyKey } },
            },
            "file complaint",
            ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var answer = await ReadAsync<ComplaintAnswer>(response, ct).ConfigureAwait(false);
        LogComplaintFiled(logger, platform.Name, answer.TicketId ?? ticketId, answer.ComplaintId, status);
        return new FiledComplaint(answer.ComplaintId, answer.TicketId ?? ticketId, answer.ReceivedAt ?? default);
    }

    public async Task<NoticeStatus> GetStatusAsync(string ticketId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, "v1/notices/" + Uri.EscapeDataString(ticketId)),
            "read status",
            ct).ConfigureAwait(false);
        var answer = await ReadAsync<NoticeAnswer>(response, ct).ConfigureAwait(false);
        return new NoticeStatus(answer.TicketId, Webhooks.NoticeStatusWebhook.ParseState(answer.Status), answer.StatementOfReasons, answer.UpdatedAt ?? answer.ReceivedAt ?? default);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, string operation, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = createRequest();
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    await AuthenticateAsync(request, token).ConfigureAwait(false);
                    var attempt = await http.SendAsync(request, token).ConfigureAwait(false);
                    if (attempt.StatusCode == HttpStatusCode.Unauthorized && platform.Auth.Kind == PlatformAuthKind.OAuth2ClientCredentials)
                    {
                        // The platform may have revoked the token early; the next call fetches a fresh one.
                        tokens.Invalidate(platform.Name);
                    }
                    LogAttempt(logger, platform.Name, operation, (int)attempt.StatusCode);
                    return attempt;
                },
                ct).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new PlatformRequestException(platform.Name, PlatformFailure.Transient, null, $"{operation}: the circuit is open after repeated failures.", e, e.RetryAfter);
        }
        catch (TimeoutRejectedException e)
        {
            throw new PlatformRequestException(platform.Name, PlatformFailure.Transient, null, $"{operation}: timed out.", e);
        }
        catch (HttpRequestException e)
        {
            throw new PlatformRequestException(platform.Name, PlatformFailure.Transient, null, $"{operation}: the platform could not be reached.", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var status = response.StatusCode;
            var failure = PlatformResilience.IsTransient(status) ? PlatformFailure.Transient : PlatformFailure.Permanent;
            throw new PlatformRequestException(
                platform.Name,
                failure,
                status,
                $"{operation}: the platform answered {(int)status}.",
                retryAfter: PlatformResilience.RetryAfter(response, time));
        }
    }

    private async Task AuthenticateAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var auth = platform.Auth;
        switch (auth.Kind)
        {
            case PlatformAuthKind.ApiKey:
                request.Headers.TryAddWithoutValidation(auth.Header!, auth.Key);
                break;
            case PlatformAuthKind.OAuth2ClientCredentials:
                var token = await tokens.GetTokenAsync(platform, ct).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
            default:
                break;
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false)
                    ?? throw new JsonException("empty body");
            }
            catch (JsonException e)
            {
                throw new PlatformRequestException(platform.Name, PlatformFailure.Permanent, response.StatusCode, "the answer could not be read.", e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Platform {Platform}: {Operation} answered {Status}")]
    private static partial void LogAttempt(ILogger logger, string platform, string operation, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {Platform}: notice filed as ticket {TicketId} ({Status})")]
    private static partial void LogFiled(ILogger logger, string platform, string ticketId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {Platform}: internal complaint on ticket {TicketId} filed as {ComplaintId} ({Status})")]
    private static partial void LogComplaintFiled(ILogger logger, string platform, string ticketId, string complaintId, int status);

    private sealed record NotifierBody(string Name, string Email);

    private sealed record ComplaintBody(string Reference, string Grounds);

    private sealed record ComplaintAnswer(string ComplaintId, string? TicketId, string? Status, DateTimeOffset? ReceivedAt);

    private sealed record NoticeBody(
        string Reference,
        IReadOnlyList<string> Urls,
        string Explanation,
        string Category,
        NotifierBody Notifier,
        string GoodFaithStatement);

    private sealed record NoticeAnswer(
        string TicketId,
        string? Status,
        string? StatementOfReasons,
        DateTimeOffset? ReceivedAt,
        DateTimeOffset? UpdatedAt);
}
