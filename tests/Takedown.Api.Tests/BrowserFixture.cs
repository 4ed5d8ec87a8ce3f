using Microsoft.Playwright;
using Takedown.Testing;
using Xunit;

namespace Takedown.Api.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser): one browser per test class, a fresh context
/// (cookies, cache) per test. <c>CHROMIUM_PATH</c> overrides <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Chromium not found at {path}: run ops/prerequisites.sh test (apt-get install chromium).");
        }
        Assertions.SetDefaultExpectTimeout(WaitMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>
    /// How long a page action or assertion may wait. The tests check what the pages do, not how fast: on a machine whose
    /// two cores also run the hosts, PostgreSQL and other test classes, a navigation has taken longer than Playwright's
    /// default 30 s.
    /// </summary>
    public const float WaitMilliseconds = 120_000;

    /// <summary>A new context, like a fresh private window; the default viewport is a phone's.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, bool phone = true) => Patient(await Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl,
        ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        Locale = "nl-NL",
    }));

    /// <summary>Gives <paramref name="context"/>'s actions and navigations <see cref="WaitMilliseconds"/>.</summary>
    public static IBrowserContext Patient(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetDefaultTimeout(WaitMilliseconds);
        context.SetDefaultNavigationTimeout(WaitMilliseconds);
        return context;
    }

    /// <summary>
    /// Saves a screenshot in the folder <c>TAKEDOWN_SCREENSHOTS</c> names: the run's results folder under ops/test.sh,
    /// <c>docs/screenshots/</c> under ops/screenshots.sh (which refreshes the pages' look kept in the repository), and the
    /// git-ignored <c>.local/screenshots/</c> otherwise. A test run changes no file the repository tracks.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = Environment.GetEnvironmentVariable("TAKEDOWN_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Repository.Root, ".local", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
