using System.Net;
using System.Text.RegularExpressions;

namespace Takedown.Api.Tests.Portal;

/// <summary>Plays a victim over plain HTTP: reads the anti-forgery token from each form as a browser would submit it.</summary>
public sealed partial class PortalClient(PortalFactory factory)
{
    public HttpClient Http { get; } = factory.NewClient();

    public static string Token(string html) => AntiForgery().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("No anti-forgery token on the page.");

    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await Http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form found on the page at <paramref name="pagePath"/> (with its token) to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, IEnumerable<KeyValuePair<string, string>> fields, string? action = null)
    {
        var html = await GetHtmlAsync(pagePath);
        return await Http.PostAsync(action ?? pagePath, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", Token(html))]));
    }

    /// <summary>Asks for a link, reads it from the SMTP server and uses it; returns the victim's e-mail.</summary>
    public async Task SignInAsync(string email, int mailNumber = 1)
    {
        var requested = await PostFormAsync("/", [new("email", email)]);
        requested.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var link = await factory.SignInLinkAsync(email.Trim(), mailNumber);
        var used = await PostFormAsync(link.PathAndQuery, [new("token", Query(link, "token"))], "/inloggen/link");
        used.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        used.Headers.Location!.ToString().ShouldBe("/mijn-zaken");
    }

    /// <summary>Starts a takedown with an erasure request and a platform report; returns the case page's path.</summary>
    public async Task<string> StartTakedownAsync(string name, string email)
    {
        var started = await PostFormAsync("/melden",
        [
            new("Name", name), new("Email", email), new("What", "address"), new("What", "phone"),
            new("Urls", "https://forum.example/t/123\nhttps://forum.example/t/124"), new("ByWhom", "mijn ex-partner"),
            new("Erasure", "true"), new("ControllerName", "Forum Voorbeeld B.V."), new("ControllerEmail", "privacy@forum.example"),
            new("ControllerCountry", "NL"), new("Report", "true"), new("Platform", "Facebook"), new("Category", "Doxing"), new("GoodFaith", "true"),
        ]);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, string.Join("\n", factory.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        return started.Headers.Location!.ToString();
    }

    /// <summary>Starts a takedown with only a platform report; returns the case page's path.</summary>
    public async Task<string> StartReportAsync(string name, string email, string platform, string byWhom = "mijn ex-partner")
    {
        var started = await PostFormAsync("/melden",
        [
            new("Name", name), new("Email", email), new("What", "address"),
            new("Urls", "https://forum.example/t/777"), new("ByWhom", byWhom),
            new("Erasure", "false"), new("Report", "true"), new("Platform", platform), new("Category", "Doxing"), new("GoodFaith", "true"),
        ]);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, string.Join("\n", factory.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        return started.Headers.Location!.ToString();
    }

    public static string Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();
}
