using Takedown.Application.Privacy;
using Takedown.Domain.Deadlines;
using Takedown.Domain.EvidenceDiaries;
using Takedown.Letters.Rendering;

namespace Takedown.Api.Portal;

/// <summary>
/// Files a victim downloads: a letter's PDF, the diary dossier, a diary attachment, the export of everything held about
/// the case. Each checks that the case is the victim's; anything else is the same 404. File names are neutral
/// ("brief.pdf", "gegevens.json"): a download folder may be looked at. Like every response, they are <c>no-store</c>.
/// </summary>
internal static class PortalDownloads
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/zaak/{caseId:guid}").RequireAuthorization(PortalSetup.Policy).ExcludeFromDescription();

        group.MapGet("/brief/{requestId:guid}/pdf", async (Guid caseId, Guid requestId, HttpContext http, PortalCases cases, PortalLetters letters, CancellationToken ct) =>
            await cases.OwnsAsync(http.User.VictimId(), caseId, ct) && await letters.PreviewAsync(caseId, requestId, ct) is { } preview
                ? Results.File(PortalLetters.Pdf(preview), "application/pdf", "brief.pdf")
                : NotFound());

        group.MapGet("/brieven/{letterId:guid}/pdf", async (Guid caseId, Guid letterId, HttpContext http, PortalCases cases, PortalLetters letters, CancellationToken ct) =>
            await cases.OwnsAsync(http.User.VictimId(), caseId, ct) && await letters.LetterAsync(caseId, letterId, ct) is { } letter
                ? Results.File(PortalLetters.Pdf(letter), "application/pdf", "brief.pdf")
                : NotFound());

        group.MapGet("/dagboek/pdf", async (
            Guid caseId, HttpContext http, PortalCases cases, PortalDiary diary, PortalLetters letters, PortalText text, TimeProvider time,
            DeadlineEngine engine, CancellationToken ct) =>
        {
            var view = await cases.LoadAsync(http.User.VictimId(), caseId, ct);
            if (view is null)
            {
                return NotFound();
            }
            var entries = await diary.EntriesAsync(caseId, ct);
            var posted = (await letters.PostedAsync(caseId, null, ct))
                .Select(p => new PostedLetter(p.Letter.Subject, p.Posted.PostedOn, p.Posted.TrackingCode, p.Letter.ContentSha256)).ToList();
            var pdf = DiaryPdf.Render(view.Reference, entries, text.Language, DateOnly.FromDateTime(PortalText.Local(time.GetUtcNow()).DateTime), posted,
                EvidenceDiary.StalkingComplaintWindow(entries, engine));
            return Results.File(pdf, "application/pdf", "dagboek.pdf");
        });

        // GDPR Art. 15 and 20: everything held about the case, decrypted, for its owner only.
        group.MapGet("/gegevens/json", async (Guid caseId, HttpContext http, PortalCases cases, CaseExport export, CancellationToken ct) =>
            await cases.OwnsAsync(http.User.VictimId(), caseId, ct) && await export.ExportAsync(caseId, ct) is { } document
                ? Results.File(export.ToJson(document), "application/json", "gegevens.json")
                : NotFound());

        group.MapGet("/gegevens/pdf", async (Guid caseId, HttpContext http, PortalCases cases, CaseExport export, PortalText text, CancellationToken ct) =>
            await cases.OwnsAsync(http.User.VictimId(), caseId, ct) && await export.ExportAsync(caseId, ct) is { } document
                ? Results.File(CaseExport.ToPdf(document, text.Language), "application/pdf", "gegevens.pdf")
                : NotFound());

        group.MapGet("/dagboek/bijlage/{attachmentId:guid}", async (Guid caseId, Guid attachmentId, HttpContext http, PortalCases cases, PortalDiary diary, CancellationToken ct) =>
            await cases.OwnsAsync(http.User.VictimId(), caseId, ct) && await diary.AttachmentAsync(caseId, attachmentId, ct) is { } file
                ? Results.File(file.Content, file.Attachment.ContentType, file.Attachment.FileName)
                : NotFound());
    }

    private static IResult NotFound() => Results.NotFound();
}
