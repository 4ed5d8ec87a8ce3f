using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using Takedown.Application.PlatformReports;
using Takedown.Platforms.Notices;

namespace Takedown.Api.PlatformReports;

/// <summary>The notice exactly as it will be sent, with its SHA-256 and the publication warning, to show before approval.</summary>
public static class GetPlatformNoticeEndpoint
{
    /// <param name="Reference">Our reference on the notice (no personal data).</param>
    /// <param name="Urls">The exact addresses of the content: DSA Art. 16(2)(b).</param>
    /// <param name="Category">The category it is filed under.</param>
    /// <param name="Explanation">Why the content is illegal: DSA Art. 16(2)(a).</param>
    /// <param name="NotifierName">The notifier's name: DSA Art. 16(2)(c).</param>
    /// <param name="NotifierEmail">The notifier's e-mail address: DSA Art. 16(2)(c).</param>
    /// <param name="GoodFaithStatement">The statement of good faith as sent: DSA Art. 16(2)(d).</param>
    public sealed record NoticeContent(
        string Reference, IReadOnlyList<string> Urls, string Category, string Explanation, string NotifierName, string NotifierEmail,
        string GoodFaithStatement);

    /// <param name="ReportId">The platform report.</param>
    /// <param name="Status">Drafted (waiting for approval), Approved, Filed or later.</param>
    /// <param name="AwaitsApproval">True while nothing has been sent.</param>
    /// <param name="Platform">The platform's name as configured.</param>
    /// <param name="Channel"><c>api</c>: the fields of <c>content</c> go to the platform's report API; <c>email</c>: the letter (subject and text) goes to <c>emailTo</c>.</param>
    /// <param name="Content">What the notice contains, field by field.</param>
    /// <param name="EmailTo">Channel email: the platform's notice address.</param>
    /// <param name="Language">Channel email: the letter's language (nl or en).</param>
    /// <param name="Subject">Channel email: the letter's subject.</param>
    /// <param name="PlainText">Channel email: the letter's text, exactly as sent.</param>
    /// <param name="ContentSha256">What the approval must name: the hash of exactly this notice.</param>
    /// <param name="PublicationWarningNl">Tell the victim this before approving (Dutch).</param>
    /// <param name="PublicationWarningEn">The same in English.</param>
    public sealed record NoticeView(
        Guid ReportId, string Status, bool AwaitsApproval, string Platform, string Channel, NoticeContent Content, string? EmailTo,
        string? Language, string? Subject, string? PlainText, string ContentSha256, string PublicationWarningNl, string PublicationWarningEn);

    public static void MapGetPlatformNotice(this ApiGroups api) => api.Map(group => group
        .MapGet("/platform-reports/{id:guid}/notice", Get)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetPlatformNotice")
        .WithSummary("The notice exactly as it will be sent, to show the victim before approval")
        .Produces<NoticeView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, PlatformNotices notices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(notices);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Platform, cancellationToken) || await notices.ReviewAsync(id, cancellationToken) is not { } review)
        {
            return CaseAccess.NotFound();
        }
        return TypedResults.Ok(From(review));
    }

    public static NoticeView From(NoticeForReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var n = review.Notice;
        return new NoticeView(
            review.ReportId, review.Status.ToString(), review.AwaitsApproval, review.Platform, review.ByEmail ? NoticeChannels.Email : NoticeChannels.Api,
            new NoticeContent(n.Reference, n.Urls, n.Category, n.Explanation, n.Notifier.Name, n.Notifier.Email, n.GoodFaithStatement),
            review.EmailTo, review.Letter?.Language, review.Letter?.Subject, review.Letter?.PlainText, review.ContentSha256,
            DsaNoticeCheck.PublicationWarningNl, DsaNoticeCheck.PublicationWarningEn);
    }
}
