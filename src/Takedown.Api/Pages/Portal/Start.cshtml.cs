using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Infrastructure;
using Takedown.Api.Portal;
using Takedown.Application.ControllerDirectory;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;
using Takedown.Platforms.Registry;

namespace Takedown.Api.Pages.Portal;

/// <summary>
/// Start a takedown: what was posted, where, by whom if known, and which tracks to take. The platform is chosen from the
/// registry: a report can only be filed with a platform we know how to reach, so "another platform" files nothing and
/// says what the victim can do instead.
/// </summary>
public sealed class StartModel(PortalCases cases, PortalText text, DeadlineEngine engine, PlatformRegistry registry, DirectoryRecords directory) : VictimPageModel
{
    /// <summary>The directory's categories a doxing victim most often needs: people-search and address sites, and social media.</summary>
    public static readonly IReadOnlyList<string> DoxingCategories = ["addresses", "social media"];

    public static readonly IReadOnlyList<string> Kinds = ["address", "phone", "photos", "other"];

    /// <summary>
    /// The choice "another platform". Platform names are configuration keys (<c>Platforms:{name}</c>), which cannot
    /// contain a colon, so this value never names a configured platform.
    /// </summary>
    public const string OtherPlatform = ":other";

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public List<string> What { get; set; } = [];
    [BindProperty] public string? OtherWhat { get; set; }
    [BindProperty] public string? Urls { get; set; }
    [BindProperty] public string? ByWhom { get; set; }
    [BindProperty] public bool Erasure { get; set; } = true;
    [BindProperty] public string? ControllerName { get; set; }
    [BindProperty] public string? ControllerEmail { get; set; }
    [BindProperty] public string ControllerCountry { get; set; } = "NL";
    [BindProperty] public string? ControllerLanguage { get; set; }
    /// <summary>What the victim searched the controller directory for ("which organisation?").</summary>
    [BindProperty] public string? DirectoryQuery { get; set; }
    /// <summary>The directory record picked, by its id; empty for an organisation typed in by hand.</summary>
    [BindProperty] public string? DirectoryRecordId { get; set; }
    /// <summary>The organisation is a search engine: the request asks it to delist the addresses from searches on the victim's name.</summary>
    [BindProperty] public bool SearchEngine { get; set; }
    [BindProperty] public bool Report { get; set; }
    [BindProperty] public string? Platform { get; set; }
    [BindProperty] public ReportCategory Category { get; set; } = ReportCategory.Doxing;
    [BindProperty] public bool GoodFaith { get; set; }

    /// <summary>Who the notice names as notifier: the service on the victim's behalf unless the victim chooses their own name.</summary>
    [BindProperty] public NotifierKind Notifier { get; set; } = NotifierKind.Service;

    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>The directory's answer to the victim's search, shown as a list to pick from (also without JavaScript).</summary>
    public IReadOnlyList<DirectoryEntry>? Results { get; private set; }

    /// <summary>The record picked, shown with what it means for the request.</summary>
    public DirectoryEntry? Picked { get; private set; }

    public string ChannelLabel(DirectoryEntry entry) => (entry ?? throw new ArgumentNullException(nameof(entry))).Usable ? entry.Channel switch
    {
        ControllerChannel.Email => text.T($"Per e-mail aan {entry.Email}; wij versturen het na uw akkoord.", $"By e-mail to {entry.Email}; we send it once you approve it."),
        ControllerChannel.WebForm => text.T("Via het webformulier van de organisatie: u plakt onze tekst daar zelf in.", "Through the organisation's web form: you paste our text there yourself."),
        _ => text.T("Per aangetekende brief: u print de brief en verstuurt hem zelf.", "By registered letter: you print the letter and post it yourself."),
    } : text.T("Er is geen bruikbaar adres bekend. Vul hieronder zelf het privacy-e-mailadres in om deze organisatie te kiezen.",
        "No usable address is known. Type the privacy e-mail address below to choose this organisation.");

    /// <summary>For a record in a country whose public holidays we do not know: which calendar counts its deadline instead.</summary>
    public string? CalendarNote(DirectoryEntry entry) =>
        (entry ?? throw new ArgumentNullException(nameof(entry))).Country is { } c && engine.Calendars.Supports(c) ? null : text.T(
            "Van dit land kennen wij de feestdagen niet: wij rekenen de termijn met de Nederlandse kalender, tenzij u hieronder een ander land kiest.",
            "We do not know this country's public holidays: we count the deadline on the Dutch calendar, unless you choose another country below.");

    public string CountryName(string? country) => country switch
    {
        "NL" => text.T("Nederland", "The Netherlands"),
        "IE" => text.T("Ierland", "Ireland"),
        null => text.T("onbekend", "unknown"),
        _ => country,
    };

    /// <summary>Search as you type: the same search as the button, as JSON for the page's script.</summary>
    public async Task<IActionResult> OnGetSearchAsync(string? q, string? category, CancellationToken cancellationToken)
    {
        var found = await SearchAsync(q, category, cancellationToken);
        return new JsonResult(found.Select(e => new
        {
            e.Id, e.Version, e.Name, e.Runs, e.Address, e.Country, CountrySupported = e.Country is { } c && engine.Calendars.Supports(c), e.Email,
            e.WebForm, Channel = e.Channel.ToString(), e.Usable, e.RequestLanguage, e.NeedsIdDocument, RequiredElements = e.RequiredElements.Select(r => r.Description),
            e.Quality, Dutch = e.RelevantCountries.Contains("nl") || e.Country == "NL", Explanation = ChannelLabel(e), CalendarNote = CalendarNote(e),
        }));
    }

    /// <summary>The search button (no JavaScript): the page again, with everything typed so far and the list to pick from.</summary>
    public async Task<IActionResult> OnPostSearchAsync(string? category, CancellationToken cancellationToken)
    {
        Results = await SearchAsync(DirectoryQuery, category, cancellationToken);
        if (!string.IsNullOrEmpty(DirectoryRecordId))
        {
            Picked = await directory.GetAsync(DirectoryKind.Company, DirectoryRecordId, cancellationToken);
        }
        return Page();
    }

    private async Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? q, string? category, CancellationToken cancellationToken)
    {
        if (q is { Length: > Input.MaxShortText } || (q is not null && !Input.IsCleanText(q, multiline: false)))
        {
            return [];
        }
        return await directory.SearchAsync(q, DoxingCategories.Contains(category) ? category : null, limit: 10, cancellationToken: cancellationToken);
    }

    public IReadOnlyList<string> Countries => [.. engine.Calendars.Countries];

    /// <summary>The platforms a report can be filed with, by name.</summary>
    public IReadOnlyList<string> Platforms => [.. registry.All.Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase)];

    public string KindLabel(string kind) => kind switch
    {
        "address" => text.T("Mijn (woon)adres", "My (home) address"),
        "phone" => text.T("Mijn telefoonnummer", "My phone number"),
        "photos" => text.T("Foto's van mij", "Photos of me"),
        _ => text.T("Iets anders", "Something else"),
    };

    public string CategoryLabel(ReportCategory category) => category switch
    {
        ReportCategory.Doxing => text.T("Mijn persoonsgegevens zijn verspreid om mij bang te maken (doxing)", "My personal data was spread to intimidate me (doxing)"),
        ReportCategory.Stalking => text.T("Ik word lastiggevallen of gevolgd (belaging)", "I am being harassed or stalked"),
        ReportCategory.IntimateImages => text.T("Intieme beelden zonder mijn toestemming", "Intimate images without my consent"),
        _ => text.T("Ik word bedreigd", "I am being threatened"),
    };

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var urls = (Urls ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // First, so a field gets this message rather than a vaguer one: the API's rule for text (Input.IsCleanText), no
        // control characters and no direction overrides, which could make a name or an address read one way on screen
        // and another in a letter or a notice.
        CheckClean(Name, nameof(Name));
        CheckClean(Email, nameof(Email));
        CheckClean(OtherWhat, nameof(OtherWhat));
        CheckClean(Urls, nameof(Urls), multiline: true);
        CheckClean(ByWhom, nameof(ByWhom));
        if (Erasure)
        {
            CheckClean(ControllerName, nameof(ControllerName));
            CheckClean(ControllerEmail, nameof(ControllerEmail));
        }
        if (Report && Platform != OtherPlatform)
        {
            CheckClean(Platform, nameof(Platform));
        }
        Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= Input.MaxShortText, nameof(Name), text.T("Vul uw naam in.", "Enter your name."));
        Check(Email is not null && Input.IsEmail(Email.Trim()), nameof(Email), text.T("Vul een geldig e-mailadres in.", "Enter a valid e-mail address."));
        Check(What.Any(Kinds.Contains), nameof(What), text.T("Kies wat er is geplaatst.", "Choose what was posted."));
        Check(!What.Contains("other") || (!string.IsNullOrWhiteSpace(OtherWhat) && OtherWhat.Length <= Input.MaxShortText), nameof(OtherWhat),
            text.T("Beschrijf kort wat er nog meer is geplaatst.", "Describe briefly what else was posted."));
        Check(urls.Length is > 0 and <= Input.MaxListItems && urls.All(Input.IsWebUrl), nameof(Urls),
            text.T("Vul minstens één volledig adres in (beginnend met https://), één per regel.", "Enter at least one full address (starting with https://), one per line."));
        Check(ByWhom is null || ByWhom.Length <= Input.MaxShortText, nameof(ByWhom), text.T("Maximaal 200 tekens.", "At most 200 characters."));
        Check(Erasure || Report, nameof(Erasure), text.T("Kies minstens één manier.", "Choose at least one way."));
        ControllerRoute? route = null;
        if (Erasure && !string.IsNullOrEmpty(DirectoryRecordId))
        {
            Picked = await directory.GetAsync(DirectoryKind.Company, DirectoryRecordId, cancellationToken);
            Check(Picked is not null, nameof(DirectoryRecordId), text.T("Deze organisatie staat niet (meer) in de lijst; zoek haar opnieuw.", "This organisation is not in the list (any more); search for it again."));
            if (Picked is not null)
            {
                // The script fills in the record's own e-mail address; only another address, typed by the victim, overrides the record's channel.
                var typed = ControllerEmail is { } e && !string.IsNullOrWhiteSpace(e) && !string.Equals(e.Trim(), Picked.Email, StringComparison.OrdinalIgnoreCase) ? e : null;
                route = ControllerRoute.From(Picked, typed);
                Check(route is not null, nameof(ControllerEmail), text.T(
                    "Van deze organisatie is geen bruikbaar adres bekend. Vul het privacy-e-mailadres zelf in.",
                    "No usable address is known for this organisation. Type its privacy e-mail address."));
                Check(typed is null || Input.IsEmail(typed.Trim()), nameof(ControllerEmail),
                    text.T("Vul een geldig e-mailadres in.", "Enter a valid e-mail address."));
                ControllerName = Picked.Name;
                // A record in a country the deadline engine knows counts on that country's calendar; any other keeps the
                // country chosen on the form (the Netherlands unless the victim chose otherwise): see DeadlineCountry.
                if (Picked.Country is { } country && engine.Calendars.Supports(country))
                {
                    ControllerCountry = country;
                }
                if (string.IsNullOrEmpty(ControllerLanguage))
                {
                    ControllerLanguage = Picked.RequestLanguage;
                }
            }
        }
        if (Erasure)
        {
            Check(!string.IsNullOrWhiteSpace(ControllerName) && ControllerName.Length <= Input.MaxShortText, nameof(ControllerName),
                text.T("Vul de naam van de organisatie in.", "Enter the organisation's name."));
            if (Picked is null)
            {
                Check(ControllerEmail is not null && Input.IsEmail(ControllerEmail.Trim()), nameof(ControllerEmail),
                    text.T("Vul het privacy-e-mailadres van de organisatie in.", "Enter the organisation's privacy e-mail address."));
            }
            Check(engine.Calendars.Supports(ControllerCountry), nameof(ControllerCountry), text.T("Kies een land.", "Choose a country."));
            Check(string.IsNullOrEmpty(ControllerLanguage) || ErasureRequest.ControllerLanguages.Contains(ControllerLanguage), nameof(ControllerLanguage),
                text.T("Kies een taal.", "Choose a language."));
        }
        PlatformOptions? platform = null;
        if (Report && Platform == OtherPlatform)
        {
            // Nothing can be filed with a platform outside the registry: the report would reach nobody. The erasure
            // request can go to any organisation, so it is what the victim can still do here.
            Check(Erasure, nameof(Platform), text.T(
                "Bij een ander platform kunnen wij nog geen melding voor u doen. Kies hierboven het verzoek om verwijdering en vul de naam en het privacy-e-mailadres van het platform in, of meld het zelf via het meldformulier van het platform.",
                "We cannot report to another platform for you yet. Choose the erasure request above and fill in the platform's name and privacy e-mail address, or report it yourself through the platform's own report form."));
        }
        else if (Report)
        {
            Check(!string.IsNullOrWhiteSpace(Platform) && registry.TryGet(Platform.Trim(), out platform), nameof(Platform), string.IsNullOrWhiteSpace(Platform)
                ? text.T("Kies het platform.", "Choose the platform.")
                : text.T("Kies het platform uit de lijst, of ‘Een ander platform’.", "Choose the platform from the list, or ‘Another platform’."));
            // A value that is not exactly one of the names leaves Category at its default: the binder's error says so.
            Check(Enum.IsDefined(Category) && ModelState.GetFieldValidationState(nameof(Category)) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid,
                nameof(Category), text.T("Kies wat voor inhoud het is.", "Choose what kind of content it is."));
            Check(Enum.IsDefined(Notifier) && ModelState.GetFieldValidationState(nameof(Notifier)) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid,
                nameof(Notifier), text.T("Kies wie de melding doet.", "Choose who makes the report."));
            Check(GoodFaith, nameof(GoodFaith), text.T("Een melding bij een platform kan alleen met deze verklaring (DSA artikel 16).",
                "A report to a platform needs this statement (DSA Article 16)."));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var data = What.Where(Kinds.Contains).Distinct().Select(k => k == "other" ? OtherWhat!.Trim() : KindLabel(k)).ToList();
        var caseId = await cases.StartAsync(VictimId, new TakedownStart(
            Name!.Trim(), Email!.Trim(), text.Language, data, urls, ByWhom,
            Erasure ? new ErasureTrack(ControllerName!.Trim(), (route is null ? ControllerEmail! : route.Email ?? "").Trim(), ControllerCountry,
                string.IsNullOrEmpty(ControllerLanguage) ? null : ControllerLanguage, SearchEngine ? ErasureRequestKind.Delisting : ErasureRequestKind.Erasure,
                Picked?.Id, Picked?.Version, route?.Channel == LetterChannels.Email ? null : route?.Channel, route?.Address, route?.WebForm) : null,
            platform is null ? null : new PlatformTrack(platform.Name, Category, Notifier)), HttpContext.TraceIdentifier, cancellationToken);
        return LocalRedirect($"/zaak/{caseId}");
    }

    private void CheckClean(string? value, string field, bool multiline = false) =>
        Check(value is null || Input.IsCleanText(value, multiline), field, text.T(
            "Deze tekst bevat onzichtbare stuur- of leesrichtingstekens (die komen vaak mee bij kopiëren en plakken). Typ hem opnieuw.",
            "This text contains invisible control or text-direction characters (they often come along with copy and paste). Please type it again."));

    private void Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Errors.TryAdd(field, message);
        }
    }
}
