using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// The portal's pages checked against WCAG 2.2 level A and AA by axe-core (the rules a machine can check: names and
/// labels, contrast, language, landmarks, headings, focusable elements), in Debian's Chromium, signed in, on a phone's
/// viewport and on a desktop's. ops/test.sh installs axe-core from the npm registry and names it in AXE_CORE_PATH.
/// </summary>
public sealed class PortalAccessibilityTests(PortalFactory factory, BrowserFixture browser) : IClassFixture<PortalFactory>, IClassFixture<BrowserFixture>
{
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_portal_page_passes_the_automated_wcag_22_aa_checks(bool phone)
    {
        var axe = Environment.GetEnvironmentVariable("AXE_CORE_PATH");
        File.Exists(axe).ShouldBeTrue("AXE_CORE_PATH must name axe.min.js (ops/test.sh installs axe-core)");
        var email = $"toegankelijk{Guid.NewGuid():N}@mail.test";
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync(
        [
            new("Name", "Anna de Vries"), new("Email", email), new("What", "address"), new("Urls", "https://forum.example/t/9"),
            new("Erasure", "true"), new("ControllerName", "Forum Voorbeeld B.V."), new("ControllerEmail", "privacy@forum.example"),
            new("ControllerCountry", "NL"), new("Report", "false"),
        ]);
        var letterPath = await victim.LetterPathAsync(casePath);
        // The pages that follow from the organisation's answers: its identity question, then the AP complaint after a refusal.
        var requestId = Guid.Parse(letterPath[^36..]);
        var caseId = Guid.Parse(casePath[^36..]);
        await victim.ApproveLetterAsync(letterPath);
        await factory.WaitUntilSentAsync(requestId);
        await factory.DecideAsync(requestId, now => new Takedown.Domain.ErasureRequests.RequestIdentityCheck(requestId, "Stuur een kopie van uw identiteitsbewijs.", now));

        // The check is a script of its own; the portal's CSP rightly forbids injected scripts, so the test's context bypasses it.
        await using var context = BrowserFixture.Patient(await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = factory.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            Locale = "nl-NL",
            BypassCSP = true,
        }));
        var page = await context.NewPageAsync();
        // The checker itself finds what it must: a page without a language and an image without a text.
        await page.SetContentAsync("<!DOCTYPE html><html><head><title>t</title></head><body><main><img src='x.png'></main></body></html>");
        var known = string.Join("\n", await RunAxeAsync(page, "(known bad page)", axe!));
        known.ShouldContain("html-has-lang");
        known.ShouldContain("image-alt");
        var violations = new List<string>();
        await CheckAsync(page, "/", axe!, violations);
        await CheckAsync(page, "/veilig-browsen", axe!, violations);
        await page.GotoAsync("/");
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stuur mij een inloglink" }).ClickAsync();
        violations.AddRange(await RunAxeAsync(page, "/inloggen/verstuurd", axe!));
        var link = await factory.SignInLinkAsync(email, 2);
        await CheckAsync(page, link.PathAndQuery, axe!, violations);
        await page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/mijn-zaken$"));
        foreach (var path in new[]
        {
            "/mijn-zaken", "/melden", casePath, letterPath, casePath + "/dagboek", casePath + "/stappen", casePath + "/machtiging", casePath + "/brieven/nieuw",
            casePath + "/verwijderen", "/zaak/" + Guid.NewGuid(),
        })
        {
            await CheckAsync(page, path, axe!, violations);
        }
        await factory.AuthoriseAsync(caseId);
        await CheckAsync(page, $"{casePath}/identiteit/{requestId}", axe!, violations);
        await factory.DecideAsync(requestId, now => new Takedown.Domain.ErasureRequests.AnswerIdentityCheck(requestId, now));
        await factory.SetEscalationModeAsync(caseId, Takedown.Domain.Cases.EscalationMode.Automatic);
        await CheckAsync(page, $"{casePath}/ap-klacht/{await factory.RefusedAndEscalatedAsync(requestId)}", axe!, violations);

        violations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_javascript_a_victim_signs_in_starts_a_takedown_and_approves_the_letter()
    {
        var email = $"zonderjs{Guid.NewGuid():N}@mail.test";
        await using var context = BrowserFixture.Patient(await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = factory.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            Locale = "nl-NL",
            JavaScriptEnabled = false,
        }));
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stuur mij een inloglink" }).ClickAsync();
        await page.GotoAsync((await factory.SignInLinkAsync(email)).PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/mijn-zaken$"));
        await page.GotoAsync("/melden");
        await page.GetByLabel("Uw naam").FillAsync("Anna de Vries");
        await page.GetByLabel("Uw e-mailadres").FillAsync(email);
        await page.GetByLabel("Mijn (woon)adres").CheckAsync();
        await page.GetByLabel("Waar staat het?").FillAsync("https://forum.example/t/321");
        await page.GetByLabel("Naam van de organisatie of website").FillAsync("Forum Zonder Script B.V.");
        await page.GetByLabel("Privacy-e-mailadres van de organisatie").FillAsync("privacy@zonderscript.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder: brieven bekijken" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Brief lezen en goedkeuren" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Ik keur deze brief goed" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/zaak/[0-9a-f-]{36}$"));
        (await page.Locator(".request .status").First.TextContentAsync())!.ShouldMatch("U hebt de brief goedgekeurd|Verstuurd");
        // The quick exit is a plain link, so it leaves without a script too.
        (await page.Locator("#quick-exit").GetAttributeAsync("href")).ShouldBe("https://www.weeronline.nl/");
    }

    private static async Task CheckAsync(IPage page, string path, string axe, List<string> violations)
    {
        await page.GotoAsync(path);
        violations.AddRange(await RunAxeAsync(page, path, axe));
    }

    private static async Task<IEnumerable<string>> RunAxeAsync(IPage page, string path, string axe)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = axe });
        var json = await page.EvaluateAsync<string>(
            "async tags => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })))",
            Tags);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(v =>
            $"{path}: {v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}) {v.GetProperty("help").GetString()} at " +
            string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())))];
    }
}
