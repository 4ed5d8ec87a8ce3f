using Takedown.Platforms.Notices;

namespace Takedown.Platforms.Reports;

/// <summary>
/// A platform's report API in the application's terms (<see cref="PlatformReportApi"/> over the platform's Refit
/// client <see cref="IPlatformNoticeApi"/>): notices are checked before they are sent, and every failure is a
/// <see cref="PlatformRequestException"/>.
/// </summary>
public interface IPlatformReportApi
{
    /// <summary>Files a DSA Art. 16 notice (<c>POST v1/notices</c>).</summary>
    /// <param name="notice">A complete notice; see <see cref="DsaNoticeCheck"/>.</param>
    /// <param name="idempotencyKey">
    /// Sent as <c>Idempotency-Key</c> on every attempt; derive it from the report with <see cref="IdempotencyKeys.For"/>
    /// so a retried filing, even one retried days later from the outbox, is filed once.
    /// </param>
    /// <param name="ct">Cancels the call, waits between attempts included.</param>
    /// <exception cref="IncompleteNoticeException">The notice lacks an Art. 16(2) element; nothing was sent.</exception>
    /// <exception cref="PlatformRequestException">The platform could not be reached or refused the request.</exception>
    Task<FiledNotice> FileNoticeAsync(DsaNotice notice, string idempotencyKey, CancellationToken ct);

    /// <summary>
    /// Lodges an internal complaint (DSA Art. 20) against the platform's decision on a notice
    /// (<c>POST v1/notices/{ticketId}/complaints</c>). The platform's new decision comes later, as a status update of
    /// the notice.
    /// </summary>
    /// <param name="ticketId">The notice the decision was taken on.</param>
    /// <param name="complaint">The complaint; its grounds must not be empty.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>, as for filing: derive it from the report.</param>
    /// <param name="ct">Cancels the call, waits between attempts included.</param>
    /// <exception cref="PlatformRequestException">The platform could not be reached or refused the request.</exception>
    Task<FiledComplaint> FileComplaintAsync(string ticketId, InternalComplaint complaint, string idempotencyKey, CancellationToken ct);

    /// <summary>Reads the platform's decision on a notice (<c>GET v1/notices/{ticketId}</c>).</summary>
    /// <exception cref="PlatformRequestException">The platform could not be reached or refused the request.</exception>
    Task<NoticeStatus> GetStatusAsync(string ticketId, CancellationToken ct);
}
