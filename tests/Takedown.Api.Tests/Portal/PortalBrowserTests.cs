using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.EvidenceDiaries;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;
using Takedown.Api.Tests.Security;
using Takedown.Testing;

namespace Takedown.Api.Tests.Portal;

/// <summary>The portal in Debian's Chromium against the real server, SMTP server and database; keeps the screenshots in docs/.</summary>
public sealed partial class PortalBrowserTests(PortalFactory factory, BrowserFixture browser) : IClassFixture<PortalFactory>, IClassFixture<BrowserFixture>
{
    private const string NeutralSite = "https://www.weeronline.nl/";

    // A 1x1 PNG: the portal recognises attachments by their first bytes.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Victim_signs_in_by_mail_starts_a_takedown_approves_the_letter_sees_the_deadline_keeps_a_diary_and_leaves_quickly()
    {
        var email = $"anna{Guid.NewGuid():N}@mail.test";
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await BrowserFixture.ScreenshotAsync(page, "portal-sign-in");
        await SignInAsync(page, email);
        await Expect(page).ToHaveURLAsync(new Regex("/mijn-zaken$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Iets laten verwijderen" }).ClickAsync();
        await page.GetByLabel("Uw naam").FillAsync("Anna de Vries");
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByLabel("Mijn (woon)adres").CheckAsync();
        await page.GetByLabel("Mijn telefoonnummer").CheckAsync();
        await page.GetByLabel("Waar staat het?").FillAsync("https://forum.example/t/123\nhttps://forum.example/t/124");
        await page.GetByLabel("Door wie, als u dat weet (niet verplicht)").FillAsync("mijn ex-partner");
        await page.GetByLabel("Naam van de organisatie of website").FillAsync("Forum Voorbeeld B.V.");
        await page.GetByLabel("Privacy-e-mailadres van de organisatie").FillAsync("privacy@forum.example");
        await page.GetByLabel("Ja, meld het bij het platform waar het staat").CheckAsync();
        await page.Locator("#Platform").SelectOptionAsync("Sandbox");
        await page.GetByLabel("Ik verklaar dat deze melding naar waarheid en volledig is.").CheckAsync();
        await BrowserFixture.ScreenshotAsync(page, "portal-start-takedown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        await Expect(page).ToHaveTitleAsync("Uw zaak - Takedown");
        var casePath = new Uri(page.Url).AbsolutePath;
        await Expect(page.GetByText("Klaar: lees de brief en keur hem goed.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Klaar: lees de melding en keur hem goed.")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "portal-case-drafted");

        await page.GetByRole(AriaRole.Link, new() { Name = "Brief lezen en goedkeuren" }).ClickAsync();
        var requestId = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
        await Expect(page.Locator(".letter")).ToContainTextAsync("artikel 17 van de Algemene verordening gegevensbescherming");
        await Expect(page.Locator(".letter")).ToContainTextAsync("https://forum.example/t/123");
        await BrowserFixture.ScreenshotAsync(page, "portal-letter");
        var pdf = await context.APIRequest.GetAsync($"{casePath}/brief/{requestId}/pdf");
        (await pdf.BodyAsync()).Take(4).ShouldBe("%PDF"u8.ToArray());
        await page.GetByRole(AriaRole.Button, new() { Name = "Ik keur deze brief goed" }).ClickAsync();
        // Approved, or already sent by the worker by the time the page shows.
        // Both requests were drafted at the same instant, so their order on the page is not fixed: find each by its title.
        await Expect(page.Locator(".request", new() { HasText = "Verzoek om verwijdering aan" }).Locator(".status"))
            .ToHaveTextAsync(new Regex("U hebt de brief goedgekeurd|Verstuurd"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Brief lezen en goedkeuren" })).ToHaveCountAsync(0);
        (await StatusOfAsync(requestId)).ShouldBeOneOf(ErasureRequestStatus.Approved, ErasureRequestStatus.Sent);

        // The worker sends the approved letter over SMTP; its acceptance starts the controller's clock.
        await WaitForAsync(() => factory.Smtp.ReceivedFor("privacy@forum.example").Count > 0);
        await WaitForAsync(async () => await StatusOfAsync(requestId) == ErasureRequestStatus.Sent);
        var receivedOn = DateOnly.FromDateTime(PortalLocal(factory.Clock.GetUtcNow()));
        var due = factory.Services.GetRequiredService<DeadlineEngine>().GdprAnswer(receivedOn, false, [], "NL");
        await page.ReloadAsync();
        await Expect(page.Locator(".deadline")).ToContainTextAsync($"De organisatie moet antwoorden vóór {LetterDates.Format(due.DueDate, "nl")}");
        await Expect(page.Locator(".deadline")).ToContainTextAsync("Waarom deze datum: " + due.Explanation.Nl);
        await Expect(page.GetByText("Verstuurd op " + LetterDates.Format(receivedOn, "nl"))).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "portal-case-deadline");

        // The notice to the platform: read with the publication warning, approved, and only then filed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Melding lezen en goedkeuren" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Let op: meldingen kunnen openbaar worden" })).ToBeVisibleAsync();
        await Expect(page.Locator(".notice.warn")).ToContainTextAsync("Lumen");
        await Expect(page.Locator(".letter").Last).ToContainTextAsync("https://forum.example/t/124");
        await BrowserFixture.ScreenshotAsync(page, "portal-notice");
        await page.GetByLabel("Ik heb gelezen dat het platform deze melding openbaar kan maken.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Ik keur deze melding goed" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        await Expect(page.Locator(".request", new() { HasText = "Melding bij Sandbox" }).Locator(".status"))
            .ToHaveTextAsync(new Regex("U hebt de melding goedgekeurd|Gemeld"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Naar het bewijsdagboek" }).ClickAsync();
        await AddDiaryEntryAsync(page, "2026-03-01", "21:30", "Bij mijn voordeur", "Hij stond een kwartier voor mijn deur en belde aan.", "buurvrouw", true);
        await AddDiaryEntryAsync(page, "2026-03-02", "08:10", "Instagram", "Nieuw bericht met mijn adres erin.", "", false);
        await Expect(page.Locator("#verification")).ToContainTextAsync("alle 2 aantekeningen zijn ongewijzigd");
        await Expect(page.Locator(".entries > li")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("stalking-complaint-window")).ToContainTextAsync("verzoek tot vervolging (art. 164 Sv)");
        await BrowserFixture.ScreenshotAsync(page, "portal-diary");
        await page.GotoAsync(casePath + "/stappen");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Stappen tegen stalking");
        await BrowserFixture.ScreenshotAsync(page, "portal-steps");
        await page.GotoAsync(casePath + "/dagboek");
        var caseId = Guid.Parse(casePath.Split('/')[^1]);
        var entries = (await factory.Services.GetRequiredService<IDocumentStore>().FetchStreamAsync(EvidenceDiary.IdFor(caseId)))
            .Select(e => e.Data).OfType<DiaryEntryRecorded>().ToList();
        EvidenceDiary.Verify(entries).IsIntact.ShouldBeTrue();
        entries[0].Attachments.ShouldHaveSingleItem().Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Png)));
        entries[1].PreviousHash.ShouldBe(entries[0].Hash);
        var attachment = await context.APIRequest.GetAsync($"{casePath}/dagboek/bijlage/{entries[0].Attachments[0].AttachmentId}");
        (await attachment.BodyAsync()).ShouldBe(Png);
        var dossier = await context.APIRequest.GetAsync($"{casePath}/dagboek/pdf");
        (await dossier.BodyAsync()).Take(4).ShouldBe("%PDF"u8.ToArray());

        await page.GetByRole(AriaRole.Link, new() { Name = "Snel weg / Quick exit" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(NeutralSite);
        await page.GoBackAsync();
        // The page the victim left is gone from the history, and what is left asks to sign in again.
        await Expect(page.Locator("h1")).ToHaveTextAsync("Inloggen");
        (await page.ContentAsync()).ShouldNotContain("Bij mijn voordeur");
    }

    [Fact]
    public async Task Victim_downloads_everything_then_deletes_the_case_and_nothing_of_it_is_left_and_another_victim_could_do_neither()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var name = $"Fenna Wisbaar {id}";
        var email = $"fenna{id}@mail.test";
        var url = $"https://doxx.example/wisbaar-{id}";
        var place = $"Voor Wisbaarstraat {id}";
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, email);
        await page.GotoAsync("/melden");
        await page.GetByLabel("Uw naam").FillAsync(name);
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByLabel("Foto's van mij").CheckAsync();
        await page.GetByLabel("Waar staat het?").FillAsync(url);
        await page.GetByLabel("Naam van de organisatie of website").FillAsync("Forum Voorbeeld B.V.");
        await page.GetByLabel("Privacy-e-mailadres van de organisatie").FillAsync("privacy@forum.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        var casePath = new Uri(page.Url).AbsolutePath;
        await page.GetByRole(AriaRole.Link, new() { Name = "Naar het bewijsdagboek" }).ClickAsync();
        await AddDiaryEntryAsync(page, "2026-03-01", "21:30", place, $"Hij stond er weer ({id}).", "", true);

        // Everything held about the case first, under names that say nothing about it.
        await page.GotoAsync(casePath);
        await BrowserFixture.ScreenshotAsync(page, "portal-case-your-data");
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "JSON", Exact = true }).ClickAsync());
        json.SuggestedFilename.ShouldBe("gegevens.json");
        var exported = await File.ReadAllTextAsync((await json.PathAsync())!);
        exported.ShouldContain(name);
        exported.ShouldContain(url);
        exported.ShouldContain(place);
        var pdf = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "PDF", Exact = true }).ClickAsync());
        pdf.SuggestedFilename.ShouldBe("gegevens.pdf");
        (await File.ReadAllBytesAsync((await pdf.PathAsync())!)).Take(4).ShouldBe("%PDF"u8.ToArray());

        // Another victim, signed in, gets the same not-found for the export and the deletion, even posting with a
        // valid anti-forgery token of their own.
        await using var other = await NewContextAsync();
        var otherPage = await other.NewPageAsync();
        await otherPage.GotoAsync("/");
        await SignInAsync(otherPage, $"other{id}@mail.test");
        foreach (var path in new[] { casePath + "/gegevens/json", casePath + "/gegevens/pdf", casePath + "/verwijderen" })
        {
            var response = await otherPage.GotoAsync(path);
            response!.Status.ShouldBe(404, path);
            await Expect(otherPage.Locator("h1")).ToHaveTextAsync("Niet gevonden");
            await Expect(otherPage.Locator("#quick-exit")).ToBeVisibleAsync();
            (await otherPage.ContentAsync()).ShouldNotContain(name);
        }
        var token = await otherPage.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var forged = await other.APIRequest.PostAsync(casePath + "/verwijderen",
            new() { Form = other.APIRequest.CreateFormData().Set("__RequestVerificationToken", token) });
        forged.Status.ShouldBe(404);

        await page.GotoAsync(casePath);
        await page.GetByRole(AriaRole.Link, new() { Name = "Deze zaak verwijderen" }).ClickAsync();
        await Expect(page.GetByText("Verwijderen is definitief.")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "portal-delete-case");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ja, verwijder deze zaak definitief" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/verwijderd$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Verwijderd");
        await BrowserFixture.ScreenshotAsync(page, "portal-case-deleted");
        var stale = await page.GotoAsync(casePath);
        stale!.Status.ShouldBe(404);
        await Expect(page.Locator("#quick-exit")).ToBeVisibleAsync();
        await Expect(page.Locator("footer.emergency")).ToContainTextAsync("0800-2000");
        await BrowserFixture.ScreenshotAsync(page, "portal-not-found");
        foreach (var text in new[] { name, email, url, place })
        {
            (await DatabaseScan.TablesContainingAsync(factory.ConnectionString, text)).ShouldBeEmpty($"'{text}' survived the deletion");
        }
    }

    [Fact]
    public async Task Escape_pressed_twice_leaves_for_the_neutral_site()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/veilig-browsen");
        await BrowserFixture.ScreenshotAsync(page, "portal-browse-safely");

        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Escape");

        await Expect(page).ToHaveURLAsync(NeutralSite);
    }

    [Fact]
    public async Task Second_victim_cannot_see_the_first_victims_case()
    {
        await using var first = await NewContextAsync();
        var firstPage = await first.NewPageAsync();
        var firstEmail = $"first{Guid.NewGuid():N}@mail.test";
        await firstPage.GotoAsync("/");
        await SignInAsync(firstPage, firstEmail);
        var casePath = await new PortalClientOnPage(firstPage).StartAsync(firstEmail);

        await using var second = await NewContextAsync();
        var secondPage = await second.NewPageAsync();
        await secondPage.GotoAsync("/");
        await SignInAsync(secondPage, $"second{Guid.NewGuid():N}@mail.test");
        await Expect(secondPage.GetByText("U hebt nog geen zaak.")).ToBeVisibleAsync();

        foreach (var path in new[] { casePath, casePath + "/dagboek", casePath + "/dagboek/pdf" })
        {
            var response = await secondPage.GotoAsync(path);
            response!.Status.ShouldBe(404, path);
            (await secondPage.ContentAsync()).ShouldNotContain("Forum Voorbeeld");
        }
    }

    [Fact]
    public async Task Language_switch_turns_the_page_english_without_changing_the_address()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/veilig-browsen");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Browse safely");
        new Uri(page.Url).PathAndQuery.ShouldBe("/veilig-browsen");
    }

    [Fact]
    public async Task Keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_the_content()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Naar de inhoud");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Snel weg / Quick exit");
    }

    private async Task<IBrowserContext> NewContextAsync()
    {
        var context = await browser.NewContextAsync(factory.BaseAddress.ToString().TrimEnd('/'));
        await context.RouteAsync(NeutralSite + "**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = "<!DOCTYPE html><html lang=\"nl\"><title>Weer</title><body>Het weer vandaag</body></html>",
        }));
        return context;
    }

    private async Task SignInAsync(IPage page, string email)
    {
        var before = factory.Smtp.ReceivedFor(email).Count;
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stuur mij een inloglink" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Kijk in uw mail");
        var link = await factory.SignInLinkAsync(email, before + 1);
        await page.GotoAsync(link.PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/mijn-zaken$"));
    }

    private static async Task AddDiaryEntryAsync(IPage page, string date, string time, string place, string what, string witnesses, bool withPhoto)
    {
        await page.GetByLabel("Datum").FillAsync(date);
        await page.GetByLabel("Tijd (ongeveer)").FillAsync(time);
        await page.Locator("#Place").FillAsync(place);
        await page.GetByLabel("Hoe lang duurde het?").FillAsync("15 minuten");
        await page.GetByLabel("Wat gebeurde er?").FillAsync(what);
        await page.Locator("#Witnesses").FillAsync(witnesses);
        if (withPhoto)
        {
            await page.Locator("#Attachments").SetInputFilesAsync(new FilePayload { Name = "voordeur.png", MimeType = "image/png", Buffer = Png });
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Aantekening opslaan" }).ClickAsync();
        await Expect(page.GetByText("Aantekening opgeslagen.")).ToBeVisibleAsync();
    }

    private async Task<ErasureRequestStatus> StatusOfAsync(Guid requestId) =>
        (await factory.Services.GetRequiredService<IDocumentStore>().AggregateStreamAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve)).State.Status;

    private static DateTime PortalLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).DateTime;

    /// <summary>Waits for the worker (up to 30 s); the test fails on the assertion after, not on time.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
        {
            await Task.Delay(100);
        }
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>Starts the standard takedown through the form.</summary>
    private sealed class PortalClientOnPage(IPage page)
    {
        public async Task<string> StartAsync(string email)
        {
            await page.GotoAsync("/melden");
            await page.GetByLabel("Uw naam").FillAsync("Bea Jansen");
            await page.GetByLabel("Uw e-mailadres").FillAsync(email);
            await page.GetByLabel("Foto's van mij").CheckAsync();
            await page.GetByLabel("Waar staat het?").FillAsync("https://forum.example/t/999");
            await page.GetByLabel("Naam van de organisatie of website").FillAsync("Forum Voorbeeld B.V.");
            await page.GetByLabel("Privacy-e-mailadres van de organisatie").FillAsync("privacy@forum.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
            return new Uri(page.Url).AbsolutePath;
        }
    }
}
