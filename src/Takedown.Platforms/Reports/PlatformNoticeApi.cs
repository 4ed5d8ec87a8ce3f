using Refit;

namespace Takedown.Platforms.Reports;

/// <summary>
/// The wire contract of a platform's report API, as a Refit interface; Refit's source generator writes the client.
/// One keyed client per configured platform (<see cref="PlatformServiceCollectionExtensions.AddPlatformClients"/>), whose
/// <see cref="HttpClient"/> pipeline adds the platform's authentication and resilience. Callers use
/// <see cref="IPlatformReportApi"/>, which checks a notice before anything is sent and turns failures into
/// <see cref="PlatformRequestException"/>.
/// </summary>
[Headers("Accept: application/json")]
public interface IPlatformNoticeApi
{
    /// <summary><c>POST v1/notices</c>: files a DSA Art. 16 notice.</summary>
    [Post("/v1/notices")]
    Task<NoticeAnswer> FileNotice([Body] NoticeBody notice, [Header(PlatformReportApi.IdempotencyKeyHeader)] string idempotencyKey, CancellationToken ct);

    /// <summary><c>POST v1/notices/{ticketId}/complaints</c>: an internal complaint (DSA Art. 20).</summary>
    [Post("/v1/notices/{ticketId}/complaints")]
    Task<ComplaintAnswer> FileComplaint(string ticketId, [Body] ComplaintBody complaint, [Header(PlatformReportApi.IdempotencyKeyHeader)] string idempotencyKey, CancellationToken ct);

    /// <summary><c>GET v1/notices/{ticketId}</c>: the platform's decision on a notice.</summary>
    [Get("/v1/notices/{ticketId}")]
    Task<NoticeAnswer> GetNotice(string ticketId, CancellationToken ct);
}

/// <summary>The notice as the platform's API takes it.</summary>
public sealed record NoticeBody(
    string Reference,
    IReadOnlyList<string> Urls,
    string Explanation,
    string Category,
    NotifierBody Notifier,
    string GoodFaithStatement);

/// <summary>Who files the notice (DSA Art. 16(2)(c)).</summary>
public sealed record NotifierBody(string Name, string Email);

/// <summary>The grounds of an internal complaint.</summary>
public sealed record ComplaintBody(string Reference, string Grounds);

/// <summary>The platform's answer about a notice: its ticket, status and statement of reasons.</summary>
public sealed record NoticeAnswer(
    string TicketId,
    string? Status,
    string? StatementOfReasons,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>The platform's receipt for an internal complaint.</summary>
public sealed record ComplaintAnswer(string ComplaintId, string? TicketId, string? Status, DateTimeOffset? ReceivedAt);
