using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.EvidenceDiaries;

namespace Takedown.Api.Pages.Portal;

/// <summary>The evidence diary: write down each incident as the police advise; entries cannot be changed afterwards.</summary>
[RequestFormLimits(MultipartBodyLengthLimit = EvidenceDiary.MaxAttachments * PortalDiary.MaxAttachmentBytes + 100_000)]
[RequestSizeLimit(EvidenceDiary.MaxAttachments * PortalDiary.MaxAttachmentBytes + 100_000)]
public sealed class DiaryModel(PortalCases cases, PortalDiary diary, PortalText text, TimeProvider time, DeadlineEngine engine) : VictimPageModel
{
    /// <summary>The three months for the stalking complaint (Sr art. 66), from the earliest incident; null while empty.</summary>
    public Deadline? ComplaintWindow => EvidenceDiary.StalkingComplaintWindow(Entries, engine);

    public bool ComplaintWindowPassed => ComplaintWindow?.IsExpiredAt(time.GetUtcNow()) == true;

    public Guid CaseId { get; private set; }

    public IReadOnlyList<DiaryEntryRecorded> Entries { get; private set; } = [];

    public DiaryVerification Verification { get; private set; } = new(true, 0, null, null);

    [BindProperty] public DateOnly? OccurredOn { get; set; }
    [BindProperty] public TimeOnly? OccurredTime { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public string? Duration { get; set; }
    [BindProperty] public string? WhatHappened { get; set; }
    [BindProperty] public string? Witnesses { get; set; }
    [BindProperty] public List<IFormFile> Attachments { get; set; } = [];

    public string? Error { get; private set; }

    public bool Saved { get; private set; }

    public DateOnly Today => DateOnly.FromDateTime(PortalText.Local(time.GetUtcNow()).DateTime);

    public async Task<IActionResult> OnGetAsync(Guid caseId, bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await LoadAsync(caseId, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return NotFound();
        }
        Error = Validate();
        if (Error is null)
        {
            var uploads = new List<DiaryUpload>();
            foreach (var file in Attachments.Where(f => f.Length > 0))
            {
                if (file.Length > PortalDiary.MaxAttachmentBytes)
                {
                    Error = text.T("Een bijlage mag hoogstens 5 MB zijn.", "An attachment may be at most 5 MB.");
                    break;
                }
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, cancellationToken);
                if (PortalDiary.ContentTypeOf(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is null)
                {
                    Error = text.T("Voeg alleen foto's (JPEG, PNG, WebP) of PDF-bestanden toe.", "Attach only photos (JPEG, PNG, WebP) or PDF files.");
                    break;
                }
                uploads.Add(new DiaryUpload(file.FileName, buffer.ToArray()));
            }
            if (Error is null)
            {
                try
                {
                    await diary.RecordAsync(caseId, new DiaryEntryInput(OccurredOn!.Value, OccurredTime, Place?.Trim() ?? "", Duration?.Trim() ?? "",
                        WhatHappened!.Trim(), [.. (Witnesses ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], uploads),
                        Actor, HttpContext.TraceIdentifier, cancellationToken);
                    return LocalRedirect($"/zaak/{caseId}/dagboek?saved=true");
                }
                catch (DomainRuleViolated e)
                {
                    Error = e.Message;
                }
            }
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(caseId, cancellationToken);
        return Page();
    }

    private string? Validate()
    {
        if (OccurredOn is null)
        {
            return text.T("Vul de datum in.", "Enter the date.");
        }
        if (OccurredOn > Today)
        {
            return text.T("De datum kan niet in de toekomst liggen.", "The date cannot be in the future.");
        }
        if (string.IsNullOrWhiteSpace(WhatHappened) || WhatHappened.Length > EvidenceDiary.MaxText)
        {
            return text.T("Beschrijf wat er gebeurde (hoogstens 5000 tekens).", "Describe what happened (at most 5000 characters).");
        }
        if ((Place?.Length ?? 0) > Input.MaxShortText || (Duration?.Length ?? 0) > Input.MaxShortText)
        {
            return text.T("Plaats en duur: hoogstens 200 tekens.", "Place and duration: at most 200 characters.");
        }
        return Attachments.Count > EvidenceDiary.MaxAttachments
            ? text.T("Hoogstens 10 bijlagen per aantekening.", "At most 10 attachments per entry.")
            : null;
    }

    private async Task<bool> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await cases.OwnsAsync(VictimId, caseId, cancellationToken))
        {
            return false;
        }
        CaseId = caseId;
        Entries = await diary.EntriesAsync(caseId, cancellationToken);
        Verification = EvidenceDiary.Verify(Entries);
        return true;
    }
}
