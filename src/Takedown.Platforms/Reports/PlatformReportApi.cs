using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>
/// <see cref="IPlatformReportApi"/> over one platform's Refit client (<see cref="IPlatformNoticeApi"/>). Refuses an
/// incomplete notice before anything is sent, and turns what the client's pipeline ends with (a refusal, an open
/// circuit, a timeout, an unreachable platform) into <see cref="PlatformRequestException"/>. What is logged names the
/// platform, the ticket and the status, never the notice's content.
/// </summary>
public sealed partial class PlatformReportApi(
    IPlatformNoticeApi client,
    PlatformOptions platform,
    TimeProvider time,
    ILogger<PlatformReportApi> logger) : IPlatformReportApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

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

        var filed = await CallAsync(() => client.FileNotice(body, idempotencyKey, ct), "file notice").ConfigureAwait(false);
        LogFiled(logger, platform.Name, filed.TicketId);
        return new FiledNotice(filed.TicketId, Webhooks.NoticeStatusWebhook.ParseState(filed.Status), filed.StatementOfReasons, filed.ReceivedAt ?? filed.UpdatedAt ?? default);
    }

    public async Task<FiledComplaint> FileComplaintAsync(string ticketId, InternalComplaint complaint, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        ArgumentNullException.ThrowIfNull(complaint);
        ArgumentException.ThrowIfNullOrWhiteSpace(complaint.Grounds);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var body = new ComplaintBody(complaint.Reference, complaint.Grounds);
        var answer = await CallAsync(() => client.FileComplaint(ticketId, body, idempotencyKey, ct), "file complaint").ConfigureAwait(false);
        LogComplaintFiled(logger, platform.Name, answer.TicketId ?? ticketId, answer.ComplaintId);
        return new FiledComplaint(answer.ComplaintId, answer.TicketId ?? ticketId, answer.ReceivedAt ?? default);
    }

    public async Task<NoticeStatus> GetStatusAsync(string ticketId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        var answer = await CallAsync(() => client.GetNotice(ticketId, ct), "read status").ConfigureAwait(false);
        return new NoticeStatus(answer.TicketId, Webhooks.NoticeStatusWebhook.ParseState(answer.Status), answer.StatementOfReasons, answer.UpdatedAt ?? answer.ReceivedAt ?? default);
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ApiException e) when (e.StatusCode is var status && (int)status is >= 200 and < 300)
        {
            throw new PlatformRequestException(platform.Name, PlatformFailure.Permanent, status, $"{operation}: the answer could not be read.", e);
        }
        catch (ApiException e)
        {
            var status = e.StatusCode;
            var failure = PlatformResilience.IsTransient(status) ? PlatformFailure.Transient : PlatformFailure.Permanent;
            throw new PlatformRequestException(
                platform.Name, failure, status, $"{operation}: the platform answered {(int)status}.", e, PlatformResilience.RetryAfter(e.Headers.RetryAfter, time));
        }
        catch (ApiRequestException e)
        {
            // No answer came: Refit wraps what the client's pipeline threw.
            throw e.InnerException switch
            {
                BrokenCircuitException open => new PlatformRequestException(
                    platform.Name, PlatformFailure.Transient, null, $"{operation}: the circuit is open after repeated failures.", open, open.RetryAfter),
                TimeoutRejectedException timeout => new PlatformRequestException(
                    platform.Name, PlatformFailure.Transient, null, $"{operation}: timed out.", timeout),
                HttpRequestException unreachable => new PlatformRequestException(
                    platform.Name, PlatformFailure.Transient, null, $"{operation}: the platform could not be reached.", unreachable),
                OperationCanceledException cancelled => cancelled,
                _ => e,
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {Platform}: notice filed as ticket {TicketId}")]
    private static partial void LogFiled(ILogger logger, string platform, string ticketId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {Platform}: internal complaint on ticket {TicketId} filed as {ComplaintId}")]
    private static partial void LogComplaintFiled(ILogger logger, string platform, string ticketId, string complaintId);
}
