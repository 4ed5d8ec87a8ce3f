using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Portal;
using Takedown.Application.PlatformReports;
using Takedown.Domain;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// Read the notice to the platform exactly as it will be sent, with what it contains and the warning that platforms may
/// publish notices, and approve it: only an approved notice is filed (by API) or sent (by e-mail).
/// </summary>
public sealed class NoticeReviewModel(PortalCases cases, PlatformNotices notices, IDocumentStore store, MessageOutbox outbox, PortalText text)
    : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public NoticeForReview Review { get; private set; } = null!;

    /// <summary>The text changed since it was shown (or could not be approved): read it again.</summary>
    public bool Changed { get; private set; }

    public string? WarningError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid reportId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, reportId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(
        Guid caseId, Guid reportId, string? shownSha256, bool publicationWarningRead, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, reportId, cancellationToken))
        {
            return NotFound();
        }
        if (!Review.AwaitsApproval)
        {
            return LocalRedirect($"/zaak/{caseId}");
        }
        if (!publicationWarningRead)
        {
            WarningError = text.T("Vink aan dat u hebt gelezen dat het platform de melding openbaar kan maken.",
                "Tick the box to confirm you have read that the platform may publish the report.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!string.Equals(shownSha256, Review.ContentSha256, StringComparison.Ordinal))
        {
            return ShowChanged();
        }
        await using var session = store.LightweightSession(new EventMetadata(HttpContext.TraceIdentifier, null, Actor));
        session.Enlist(outbox);
        try
        {
            await notices.ApproveAsync(session, outbox, Review, Actor, Review.ContentSha256, publicationWarningRead, cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return ShowChanged();
        }
        await session.SaveChangesAsync(cancellationToken);
        return LocalRedirect($"/zaak/{caseId}");
    }

    public string CategoryLabel => Review.Notice.Category switch
    {
        "Doxing" => text.T("Mijn persoonsgegevens zijn verspreid om mij bang te maken (doxing)", "My personal data was spread to intimidate me (doxing)"),
        "Stalking" => text.T("Ik word lastiggevallen of gevolgd (belaging)", "I am being harassed or stalked"),
        "IntimateImages" => text.T("Intieme beelden zonder mijn toestemming", "Intimate images without my consent"),
        "Threats" => text.T("Ik word bedreigd", "I am being threatened"),
        var other => other,
    };

    /// <summary>The fields that go to the platform's report API, one per line, exactly as sent.</summary>
    public string ApiNoticeText
    {
        get
        {
            var n = Review.Notice;
            var lines = new List<string>
            {
                $"{text.T("Kenmerk", "Reference")}: {n.Reference}",
                $"{text.T("Categorie", "Category")}: {n.Category}",
                "URL's:",
            };
            lines.AddRange(n.Urls.Select(u => "- " + u));
            lines.Add($"{text.T("Toelichting", "Explanation")}:");
            lines.Add(n.Explanation);
            lines.Add($"{text.T("Melder", "Notifier")}: {n.Notifier.Name} <{n.Notifier.Email}>");
            lines.Add($"{text.T("Verklaring te goeder trouw (zo verstuurd, in het Engels)", "Statement of good faith")}: {n.GoodFaithStatement}");
            return string.Join('\n', lines);
        }
    }

    private PageResult ShowChanged()
    {
        // The text is not the one shown (prepared again meanwhile): show the current text to approve again.
        Changed = true;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid caseId, Guid reportId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken)
            || await notices.ReviewAsync(reportId, cancellationToken) is not { } review
            || review.CaseId != caseId)
        {
            return false;
        }
        CaseId = caseId;
        Review = review;
        return true;
    }
}
