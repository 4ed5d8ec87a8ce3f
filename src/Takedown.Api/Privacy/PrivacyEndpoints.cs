using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.Privacy;

namespace Takedown.Api.Privacy;

/// <summary>
/// The victim's rights over what we hold (GDPR Art. 15, 17, 20), for the integration that opened the case on the
/// victim's behalf: erase the case, export everything about it as JSON or PDF.
/// </summary>
public static class PrivacyEndpoints
{
    public static ApiGroups MapPrivacy(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.Map(group =>
        {
            group.MapDelete("/cases/{id:guid}", Erase)
                .RequireAuthorization(Scopes.CasesWrite)
                .WithName("EraseCase")
                .WithSummary("Erase a case: its personal data becomes unreadable everywhere, for good (GDPR Art. 17)")
                .Produces(StatusCodes.Status204NoContent)
                .ProducesProblem(StatusCodes.Status404NotFound);
            group.MapGet("/cases/{id:guid}/export", ExportJson)
                .RequireAuthorization(Scopes.CasesRead)
                .WithName("ExportCase")
                .WithSummary("Everything held about a case, as JSON (GDPR Art. 15 and 20)")
                .Produces<CaseExportDocument>()
                .ProducesProblem(StatusCodes.Status404NotFound);
            group.MapGet("/cases/{id:guid}/export.pdf", ExportPdf)
                .RequireAuthorization(Scopes.CasesRead)
                .WithName("ExportCasePdf")
                .WithSummary("Everything held about a case, as a PDF to read")
                .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
                .ProducesProblem(StatusCodes.Status404NotFound);
        });
        return api;
    }

    public static async Task<IResult> Erase(Guid id, HttpContext http, CaseAccess access, CaseErasure erasure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(erasure);
        if (!await access.CanSeeAsync(http.User, id, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        return await erasure.EraseAsync(id, http.User.Actor(), cancellationToken) ? TypedResults.NoContent() : CaseAccess.NotFound();
    }

    public static async Task<IResult> ExportJson(Guid id, HttpContext http, CaseAccess access, CaseExport export, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        return await LoadAsync(id, http, access, export, cancellationToken) is { } document
            ? TypedResults.File(export.ToJson(document), "application/json", $"takedown-{id}.json")
            : CaseAccess.NotFound();
    }

    public static async Task<IResult> ExportPdf(Guid id, HttpContext http, CaseAccess access, CaseExport export, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        return await LoadAsync(id, http, access, export, cancellationToken) is { } document
            ? TypedResults.File(CaseExport.ToPdf(document), "application/pdf", $"takedown-{id}.pdf")
            : CaseAccess.NotFound();
    }

    private static async Task<CaseExportDocument?> LoadAsync(
        Guid id, HttpContext http, CaseAccess access, CaseExport export, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        return await access.CanSeeAsync(http.User, id, cancellationToken) ? await export.ExportAsync(id, cancellationToken) : null;
    }
}
