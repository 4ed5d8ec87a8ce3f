using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Takedown.Api.Portal;
using Takedown.Application.Letters;
using Takedown.Domain;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// The identity-check step (GDPR Art. 12(6)): a controller asked to verify the victim's identity and the request's clock
/// stands still. The victim uploads a copy of an identity document with the BSN, photo and address masked; the service
/// sends it, with the signed authorisation, to the controller's address on the request and nowhere else (a site may be run
/// by or close to the harasser), and the clock runs again from the day the service answered.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = PortalDiary.MaxAttachmentBytes + 100_000)]
[RequestSizeLimit(PortalDiary.MaxAttachmentBytes + 100_000)]
public sealed class IdentityModel(PortalCases cases, IDocumentStore store, LetterWorkflow letters, MessageOutbox outbox, PortalText text) : VictimPageModel
{
    public Guid CaseId { get; private set; }

    public string ControllerName { get; private set; } = "";

    public bool Authorised { get; private set; }

    public string? Error { get; private set; }

    [BindProperty] public IFormFile? Copy { get; set; }

    [BindProperty] public bool Masked { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken) =>
        await LoadAsync(caseId, requestId, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(caseId, requestId, cancellationToken))
        {
            return NotFound();
        }
        if (!Masked)
        {
            return Refuse(text.T("Vink aan dat u het burgerservicenummer, de pasfoto en uw adres hebt afgeschermd.",
                "Tick the box to confirm you masked the citizen service number, the photo and your address."));
        }
        if (Copy is not { Length: > 0 } file || file.Length > PortalDiary.MaxAttachmentBytes)
        {
            return Refuse(text.T("Kies één bestand van hoogstens 5 MB.", "Choose one file of at most 5 MB."));
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var content = buffer.ToArray();
        if (PortalDiary.ContentTypeOf(content) is not { } type)
        {
            return Refuse(text.T("Voeg een foto (JPEG, PNG, WebP) of een PDF-bestand toe.", "Add a photo (JPEG, PNG, WebP) or a PDF file."));
        }
        // The name the controller sees is ours, not the file's own (which may say more than the copy itself).
        var name = "identiteitsbewijs-afgeschermd" + type switch { "image/jpeg" => ".jpg", "image/png" => ".png", "image/webp" => ".webp", _ => ".pdf" };
        await using var session = store.LightweightSession(new EventMetadata(HttpContext.TraceIdentifier, null, Actor));
        session.Enlist(outbox);
        try
        {
            await letters.PrepareIdentityAnswerAsync(session, outbox, requestId, name, type, content, Actor, cancellationToken);
        }
        catch (DomainRuleViolated)
        {
            return Refuse(text.T("Er staat geen vraag naar uw identiteit open, of u hebt de machtiging nog niet ondertekend.",
                "There is no open question about your identity, or you have not signed the authorisation yet."));
        }
        await session.SaveChangesAsync(cancellationToken);
        return LocalRedirect($"/zaak/{caseId}");
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid caseId, Guid requestId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return false;
        }
        var events = await store.FetchStreamAsync(requestId, cancellationToken: cancellationToken);
        var request = events.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
        if (request.CaseId != caseId || !request.IsPaused || request.Status != ErasureRequestStatus.Sent)
        {
            return false;
        }
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        CaseId = caseId;
        ControllerName = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().First().ControllerName;
        Authorised = @case.Authorisation is not null;
        return true;
    }
}
