using System.Net;
using System.Text.RegularExpressions;
using Takedown.Testing;

namespace Takedown.Api.Tests.Portal;

/// <summary>Plays a victim over plain HTTP: reads the anti-forgery token from each form as a browser would submit it.</summary>
public sealed partial class PortalClient(HttpClient http, SmtpTestServer smtp, Func<string>? diagnostics = null)
{
    public PortalClient(PortalFactory factory)
        : this(factory.NewClient(), factory.Smtp, () => string.Join("\n", factory.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))))
    {
    }

    public HttpClient Http { get; } = http;

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

    /// <summary>Asks for a link, reads it from the SMTP server and uses it.</summary>
    public async Task SignInAsync(string email, int mailNumber = 1)
    {
        var requested = await PostFormAsync("/", [new("email", email)]);
        requested.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var link = await PortalFactory.SignInLinkAsync(smtp, email.Trim(), mailNumber);
        var used = await PostFormAsync(link.PathAndQuery, [new("token", Query(link, "token"))], "/inloggen/link");
        used.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        used.Headers.Location!.ToString().ShouldBe("/mijn-zaken");
    }

    /// <summary>Starts a takedown with an erasure request and a platform report; returns the case page's path.</summary>
    public Task<string> StartTakedownAsync(string name, string email) => StartTakedownAsync(
    [
        new("Name", name), new("Email", email), new("What", "address"), new("What", "phone"),
        new("Urls", "https://forum.example/t/123\nhttps://forum.example/t/124"), new("ByWhom", "mijn ex-partner"),
        new("Erasure", "true"), new("ControllerName", "Forum Voorbeeld B.V."), new("ControllerEmail", "privacy@forum.example"),
        new("ControllerCountry", "NL"), new("Report", "true"), new("Platform", "Sandbox"), new("Category", "Doxing"), new("GoodFaith", "true"),
    ]);

    /// <summary>Starts a takedown with the start form's <paramref name="fields"/>; returns the case page's path.</summary>
    public async Task<string> StartTakedownAsync(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var started = await PostFormAsync("/melden", fields);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, diagnostics?.Invoke());
        return started.Headers.Location!.ToString();
    }

    /// <summary>The address of the case's erasure letter, from the case page.</summary>
    public async Task<string> LetterPathAsync(string casePath)
    {
        var path = LetterLink().Match(await GetHtmlAsync(casePath)).Value;
        path.ShouldNotBeEmpty();
        return path;
    }

    /// <summary>Approves the letter as shown (the page's hash of its text); the worker then sends it.</summary>
    public async Task ApproveLetterAsync(string letterPath)
    {
        var html = await GetHtmlAsync(letterPath);
        var sha = ShownHash().Match(html).Groups[1].Value;
        var approved = await Http.PostAsync(letterPath, new FormUrlEncodedContent([new("shownSha256", sha), new("__RequestVerificationToken", Token(html))]));
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    /// <summary>Writes a diary entry through the diary's form, with one attachment when <paramref name="attachment"/> is given.</summary>
    public async Task AddDiaryEntryAsync(
        string casePath, string occurredOn, string place, string whatHappened, string witnesses, (string FileName, byte[] Content)? attachment = null)
    {
        var html = await GetHtmlAsync(casePath + "/dagboek");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(occurredOn), "OccurredOn" },
            { new StringContent("21:30"), "OccurredTime" },
            { new StringContent(place), "Place" },
            { new StringContent("een kwartier"), "Duration" },
            { new StringContent(whatHappened), "WhatHappened" },
            { new StringContent(witnesses), "Witnesses" },
            { new StringContent(Token(html)), "__RequestVerificationToken" },
        };
        if (attachment is { } file)
        {
            form.Add(new ByteArrayContent(file.Content), "Attachments", file.FileName);
        }
        var saved = await Http.PostAsync(casePath + "/dagboek", form);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, diagnostics?.Invoke());
    }

    /// <summary>Confirms the deletion of the case on its confirmation page.</summary>
    public Task<HttpResponseMessage> DeleteCaseAsync(string casePath) => PostFormAsync(casePath + "/verwijderen", []);

    /// <summary>Starts a takedown with only a platform report; returns the case page's path.</summary>
    /// <summary>Starts a platform report; <paramref name="notifier"/> is the form's choice, null to leave the form's default.</summary>
    public async Task<string> StartReportAsync(string name, string email, string platform, string byWhom = "mijn ex-partner", string? notifier = "Victim")
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("Name", name), new("Email", email), new("What", "address"),
            new("Urls", "https://forum.example/t/777"), new("ByWhom", byWhom),
            new("Erasure", "false"), new("Report", "true"), new("Platform", platform), new("Category", "Doxing"), new("GoodFaith", "true"),
        ];
        if (notifier is not null)
        {
            fields.Add(new("Notifier", notifier));
        }
        var started = await PostFormAsync("/melden", [.. fields]);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect, diagnostics?.Invoke());
        return started.Headers.Location!.ToString();
    }

    public static string Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/brief/[0-9a-f-]{36}")]
    private static partial Regex LetterLink();

    [GeneratedRegex("name=\"shownSha256\" value=\"([0-9a-f]{64})\"")]
    private static partial Regex ShownHash();
}
