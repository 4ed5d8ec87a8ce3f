using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Application.Letters;
using Takedown.Letters.Composing;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// A cease-and-desist letter to the harasser, for registered post: the victim enters the name and postal address, reads
/// the letter, and makes it; the exact text and its SHA-256 are kept as evidence and the PDF is downloaded. Nothing is
/// stored before the victim confirms the text they read, and the service never sends this letter.
/// </summary>
public sealed class NewLetterModel(PortalCases cases, PortalLetters letters, LetterWorkflow workflow, PortalText text) : VictimPageModel
{
    public static readonly IReadOnlyList<string> ConductKinds = ["calls", "messages", "visits", "following", "others", "posting"];

    public const int MaxAddressLines = 6;

    [BindProperty] public string? RecipientName { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public List<string> Conduct { get; set; } = [];
    [BindProperty] public string? OtherConduct { get; set; }
    [BindProperty] public string? Urls { get; set; }
    [BindProperty] public string Language { get; set; } = "nl";

    public Guid CaseId { get; private set; }

    public Dictionary<string, string> Errors { get; } = [];

    public ComposedLetter? Preview { get; private set; }

    public bool Changed { get; private set; }

    /// <summary>
    /// The conduct as the letter names it, in the letter's language. Neutral words without "me": the service writes on
    /// the victim's behalf and the letter names the victim once.
    /// </summary>
    public static string ConductText(string kind, string language)
    {
        var nl = language == "nl";
        return kind switch
        {
            "calls" => nl ? "bellen" : "phone calls",
            "messages" => nl ? "berichten, e-mails of brieven sturen, ook via sociale media" : "sending messages, e-mails or letters, including through social media",
            "visits" => nl ? "langskomen bij huis of werk, of daar opwachten" : "coming to the home or workplace, or waiting there",
            "following" => nl ? "volgen of in de gaten houden" : "following or watching",
            "others" => nl ? "contact zoeken via anderen" : "seeking contact through other people",
            _ => nl ? "persoonsgegevens of foto's online zetten of verspreiden" : "posting or spreading personal data or photos online",
        };
    }

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        Language = text.Language;
        return await OwnsAsync(caseId, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(caseId, cancellationToken))
        {
            return NotFound();
        }
        if (Validate() is not { } input)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Preview = await workflow.ComposeCeaseAndDesistAsync(caseId, input, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid caseId, string? shownSha256, CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(caseId, cancellationToken))
        {
            return NotFound();
        }
        if (Validate() is not { } input)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (await letters.CreateCeaseAndDesistAsync(caseId, input, shownSha256 ?? "", Actor, HttpContext.TraceIdentifier, cancellationToken) is { } letterId)
        {
            return LocalRedirect($"/zaak/{caseId}/brieven/{letterId}?created=true");
        }
        // What the victim confirmed is not what would be made now (the date changed at midnight, a field was altered).
        Changed = true;
        Preview = await workflow.ComposeCeaseAndDesistAsync(caseId, input, cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> OwnsAsync(Guid caseId, CancellationToken cancellationToken)
    {
        CaseId = caseId;
        return await cases.OwnsAsync(VictimId, caseId, cancellationToken);
    }

    private CeaseAndDesistInput? Validate()
    {
        var address = Lines(Address);
        var urls = Lines(Urls);
        var language = Language is "nl" or "en" ? Language : "nl";
        Check(!string.IsNullOrWhiteSpace(RecipientName) && RecipientName.Length <= Input.MaxShortText && Input.IsCleanText(RecipientName, false),
            nameof(RecipientName), text.T("Vul de naam van de ander in.", "Enter the other person's name."));
        Check(address.Length is >= 2 and <= MaxAddressLines && address.All(l => l.Length <= Input.MaxShortText && Input.IsCleanText(l, false)),
            nameof(Address), text.T("Vul het postadres in: straat en huisnummer, postcode en plaats, elk op een eigen regel.", "Enter the postal address: street and number, postcode and town, each on its own line."));
        var conduct = Conduct.Where(ConductKinds.Contains).Distinct().Select(k => ConductText(k, language)).ToList();
        if (!string.IsNullOrWhiteSpace(OtherConduct) && OtherConduct.Length <= Input.MaxShortText && Input.IsCleanText(OtherConduct, false))
        {
            conduct.Add(OtherConduct.Trim());
        }
        Check(conduct.Count > 0 && (OtherConduct is null || OtherConduct.Length <= Input.MaxShortText), nameof(Conduct),
            text.T("Kies wat er moet stoppen.", "Choose what must stop."));
        Check(urls.Length <= Input.MaxListItems && urls.All(Input.IsWebUrl), nameof(Urls),
            text.T("Vul volledige adressen in (beginnend met https://), één per regel.", "Enter full addresses (starting with https://), one per line."));
        return Errors.Count > 0 ? null : new CeaseAndDesistInput(RecipientName!.Trim(), address, conduct, urls, language);
    }

    private static string[] Lines(string? value) =>
        (value ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Errors.TryAdd(field, message);
        }
    }
}
