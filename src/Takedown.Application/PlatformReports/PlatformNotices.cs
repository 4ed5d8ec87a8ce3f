using Takedown.Application.Letters;
using Takedown.Application.Messaging;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;
using Takedown.Messaging;
using Takedown.Platforms.Notices;
using Takedown.Platforms.Registry;

namespace Takedown.Application.PlatformReports;

/// <summary>
/// A platform report's notice as it will be sent, for review before approval. Through a report API the notice is
/// <see cref="Notice"/> (its fields are what is sent) and <see cref="ContentSha256"/> is <see cref="DsaNotice.ContentSha256"/>;
/// for a platform that takes notices by e-mail only it is the prepared <see cref="Letter"/>, and the hash is the letter's.
/// <see cref="EmailTo"/> is where the notice letter goes (the platform's configured notice address), null for the API.
/// </summary>
public sealed record NoticeForReview(
    Guid ReportId,
    Guid CaseId,
    PlatformReportStatus Status,
    string Platform,
    DsaNotice Notice,
    string ContentSha256,
    string? EmailTo,
    LetterPrepared? Letter,
    LetterStatus? LetterStatus)
{
    public bool ByEmail => Letter is not null;

    /// <summary>Still waiting for approval: nothing has been sent.</summary>
    public bool AwaitsApproval => Status == PlatformReportStatus.Drafted;
}

/// <summary>
/// The notice a platform report becomes and how it goes: through the platform's report API, or as a letter for a
/// platform that takes notices by e-mail only. Nothing is filed before the notice's text was approved by the victim
/// (or, through the integration API, by the partner on the victim's behalf) after being told that platforms may
/// publish notices, e.g. in the Lumen database.
/// </summary>
public sealed class PlatformNotices(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, LetterWorkflow letters, PlatformRegistry registry, DeadlineEngine engine, TimeProvider time)
{
    /// <summary>The notice as it goes to the platform's report API: the four DSA Art. 16(2) elements, the category and our reference.</summary>
    public static DsaNotice NoticeFor(PlatformReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new DsaNotice(
            report.Id.ToString("N"), report.Urls, report.Explanation, report.Category.ToString(),
            new NotifierContact(report.NotifierName, report.NotifierEmail), DsaNotice.StandardGoodFaithStatement);
    }

    /// <summary>
    /// The notifier's name and e-mail address (DSA Art. 16(2)(c)) for report <paramref name="reportId"/>: the victim's own,
    /// or, with the service as notifier, the service's name and the report's reply address, so the platform's answers
    /// reach this report and the victim's name and e-mail address stay out of the notice.
    /// </summary>
    public (string Name, string Email) NotifierFor(Guid reportId, NotifierKind notifier, string victimName, string victimEmail) =>
        notifier == NotifierKind.Service ? (letters.ServiceName, letters.ReplyAddressFor(reportId)) : (victimName, victimEmail);

    /// <summary>The address notices go to when the platform takes them by e-mail only; null for a report API (or an unknown platform).</summary>
    public string? EmailChannel(string platform) =>
        registry.TryGet(platform, out var options) && options.Channel == NoticeChannel.Email ? options.Email : null;

    /// <summary>
    /// Right after drafting, in the drafting transaction: for a platform that takes notices by e-mail only, the notice
    /// letter is prepared for approval (the victim must see exactly that text). Returns the letter, or null.
    /// </summary>
    public async Task<Guid?> PrepareAsync(IDocumentSession session, Guid reportId, string platform, CancellationToken cancellationToken) =>
        EmailChannel(platform) is { } email ? await letters.PreparePlatformNoticeAsync(session, reportId, email, cancellationToken) : null;

    /// <summary>The report's notice exactly as it will be sent, or null when there is no such report.</summary>
    public async Task<NoticeForReview?> ReviewAsync(Guid reportId, CancellationToken cancellationToken)
    {
        var (report, _) = await store.AggregateStreamAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken: cancellationToken);
        if (report.Status == PlatformReportStatus.None)
        {
            return null;
        }
        var notice = NoticeFor(report);
        if (await NoticeLetterIdAsync(reportId, cancellationToken) is { } letterId && await letters.LoadAsync(letterId, cancellationToken) is { } letter)
        {
            var (state, _) = await store.AggregateStreamAsync(letterId, Domain.Letters.Letter.Initial, Domain.Letters.Letter.Evolve, cancellationToken: cancellationToken);
            return new NoticeForReview(report.Id, report.CaseId, report.Status, report.Platform, notice, letter.ContentSha256, letter.RecipientEmail, letter, state.Status);
        }
        return new NoticeForReview(report.Id, report.CaseId, report.Status, report.Platform, notice, notice.ContentSha256(), null, null, null);
    }

    /// <summary>
    /// Approves the notice whose SHA-256 the approver was shown, after the publication warning: a notice letter is
    /// approved and sent by the worker; an API notice is filed by the worker. <paramref name="outbox"/> commits with
    /// the session. A text other than the one shown is refused (<see cref="Domain.DomainRuleViolated"/>).
    /// </summary>
    public async Task ApproveAsync(
        IDocumentSession session, IMessageOutbox outbox, NoticeForReview review, string approvedBy, string shownSha256, bool publicationWarningShown,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(review);
        if (review.Letter is { } letter)
        {
            await letters.ApproveAsync(session, outbox, letter.LetterId, approvedBy, shownSha256, publicationWarningShown, cancellationToken);
            return;
        }
        var (events, _) = await session.DecideAsync(review.ReportId, PlatformReport.Initial, PlatformReport.Evolve, state => PlatformReport.Decide(
            new ApprovePlatformReport(review.ReportId, approvedBy, shownSha256, NoticeFor(state).ContentSha256(), publicationWarningShown, time.GetUtcNow()),
            state, engine), cancellationToken);
        if (events.Count > 0)
        {
            outbox.Publish(new FileWithPlatform(review.ReportId));
        }
    }

    /// <summary>
    /// The internal complaint (DSA Art. 20) against the platform's refusal: lodged on the report, then filed by the
    /// worker through the platform's API, or, for a platform that takes notices by e-mail only, sent as a letter to the
    /// platform's notice address (approved by <paramref name="lodgedBy"/>; with <paramref name="shownSha256"/>, only when
    /// it is the text that was shown). Returns the letter's id for an e-mail platform, null otherwise.
    /// </summary>
    public async Task<Guid?> LodgeComplaintAsync(
        IDocumentSession session, IMessageOutbox outbox, Guid reportId, string grounds, string lodgedBy, string? shownSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outbox);
        var (events, report) = await session.DecideAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, state =>
            state.FiledByEmail && state.ComplaintLodgedAt is null && EmailChannel(state.Platform) is null
                ? throw new Domain.DomainRuleViolated("This platform's e-mail address for notices is no longer configured: contact us to lodge the internal complaint (DSA Art. 20).")
                : PlatformReport.Decide(new LodgeInternalComplaint(reportId, grounds, time.GetUtcNow()), state, engine),
            cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }
        if (report.FiledByEmail)
        {
            return await letters.PreparePlatformComplaintAsync(session, outbox, reportId, grounds, EmailChannel(report.Platform)!, lodgedBy, shownSha256, cancellationToken);
        }
        outbox.Publish(new FileInternalComplaint(reportId));
        return null;
    }

    /// <summary>The complaint letter to a platform that takes notices by e-mail only, as it would be made now; null for a report API.</summary>
    public async Task<ComposedLetter?> PreviewComplaintAsync(Guid reportId, string grounds, CancellationToken cancellationToken)
    {
        var (report, _) = await store.AggregateStreamAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, cancellationToken: cancellationToken);
        if (!report.FiledByEmail || EmailChannel(report.Platform) is not { } email)
        {
            return null;
        }
        await using var session = store.LightweightSession();
        return await letters.ComposePlatformComplaintAsync(session, reportId, grounds, email, cancellationToken);
    }

    private async Task<Guid?> NoticeLetterIdAsync(Guid reportId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT id FROM {options.Schema}.letter_overview WHERE request_id = $1 AND kind = $2 ORDER BY prepared_at DESC LIMIT 1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = reportId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = nameof(LetterKind.PlatformNotice) });
        return await command.ExecuteScalarAsync(cancellationToken) is Guid id ? id : null;
    }
}
