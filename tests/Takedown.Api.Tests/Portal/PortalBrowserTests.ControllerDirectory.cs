using Takedown.Application.EventStorage;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Marten;

namespace Takedown.Api.Tests.Portal;

public sealed partial class PortalBrowserTests
{
    [Fact]
    public async Task Victim_types_facebok_picks_Meta_Platforms_Ireland_from_the_directory_and_the_request_keeps_the_record()
    {
        var email = $"fleur{Guid.NewGuid():N}@mail.test";
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, email);
        await page.GotoAsync("/melden");
        await FillAboutTheVictimAsync(page, email);

        await page.Locator("#DirectoryQuery").PressSequentiallyAsync("facebok", new() { Delay = 40 });
        var meta = page.Locator("#DirectoryResults li[data-id='facebook']");
        await Expect(meta).ToContainTextAsync("Meta Platforms Ireland Limited");
        await Expect(meta).ToContainTextAsync("aangetekende brief");
        await meta.GetByRole(AriaRole.Radio).CheckAsync();
        await Expect(page.Locator("#ControllerName")).ToHaveValueAsync("Meta Platforms Ireland Limited");
        await Expect(page.Locator("#ControllerCountry")).ToHaveValueAsync("IE");
        await Expect(page.Locator("#IdDocument")).ToContainTextAsync("nooit zomaar een kopie van uw identiteitsbewijs");
        await BrowserFixture.ScreenshotAsync(page, "portal-directory-pick");
        await Expect(meta.GetByRole(AriaRole.Radio)).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        await Expect(page.Locator(".request", new() { HasText = "Meta Platforms Ireland Limited" })).ToBeVisibleAsync();
        var drafted = await DraftedForCaseAsync(page);
        drafted.DirectoryRecordId.ShouldBe("facebook");
        drafted.DirectoryRecordVersion.ShouldNotBeNull();
        drafted.ControllerCountry.ShouldBe("IE");
        drafted.Channel.ShouldBe(LetterChannels.Post);
        drafted.ControllerAddress.ShouldNotBeNull().ShouldContain("Dublin 2");

        // A letter for registered post: approved here, never e-mailed; the victim posts it and says when it was delivered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Brief lezen en goedkeuren" }).ClickAsync();
        await Expect(page.Locator(".letter")).ToContainTextAsync("Grand Canal Square");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ik keur deze brief goed" }).ClickAsync();
        var selfSent = page.GetByTestId("self-sent");
        await Expect(selfSent).ToContainTextAsync("aangetekend");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(factory.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).DateTime);
        await selfSent.Locator("input[type=date]").FillAsync(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await selfSent.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByTestId("self-sent")).ToHaveCountAsync(0);
        await Expect(page.Locator(".deadline")).ToContainTextAsync("De organisatie moet antwoorden vóór");
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var sent = (await store.FetchStreamAsync(drafted.RequestId)).Select(e => e.Data).OfType<ErasureRequestSent>().ShouldHaveSingleItem();
        sent.ReceivedOn.ShouldBe(today);
        sent.Channel.ShouldBe(LetterChannels.Post);
        factory.Smtp.ReceivedFor("privacy@facebook.com").ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_JavaScript_the_search_button_lists_the_directory_and_a_pick_fills_in_the_organisation()
    {
        var email = $"noor{Guid.NewGuid():N}@mail.test";
        await using var context = BrowserFixture.Patient(await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = factory.BaseAddress.ToString().TrimEnd('/'), JavaScriptEnabled = false, Locale = "nl-NL",
        }));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, email);
        await page.GotoAsync("/melden");
        await FillAboutTheVictimAsync(page, email);

        await page.Locator("#DirectoryQuery").FillAsync("facebok");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoeken", Exact = true }).ClickAsync();
        var meta = page.Locator("#DirectoryResults li[data-id='facebook']");
        await Expect(meta).ToContainTextAsync("Meta Platforms Ireland Limited");
        // What was typed before the search is still there.
        await Expect(page.GetByLabel("Uw naam")).ToHaveValueAsync("Fleur Jansen");
        await meta.GetByRole(AriaRole.Radio).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        var drafted = await DraftedForCaseAsync(page);
        drafted.ControllerName.ShouldBe("Meta Platforms Ireland Limited");
        drafted.DirectoryRecordId.ShouldBe("facebook");
        drafted.ControllerCountry.ShouldBe("IE");
    }

    private static async Task FillAboutTheVictimAsync(IPage page, string email)
    {
        await page.GetByLabel("Uw naam").FillAsync("Fleur Jansen");
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByLabel("Mijn (woon)adres").CheckAsync();
        await page.GetByLabel("Waar staat het?").FillAsync("https://www.facebook.com/groups/123/posts/456");
    }

    private async Task<ErasureRequestDrafted> DraftedForCaseAsync(IPage page)
    {
        var caseId = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        await using var connection = await factory.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id FROM takedown.request_overview WHERE case_id = $1 AND kind = 'erasure'", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = caseId });
        var requestId = (Guid)(await command.ExecuteScalarAsync())!;
        return (await store.FetchStreamAsync(requestId)).Select(e => e.Data).OfType<ErasureRequestDrafted>().Single();
    }
}
