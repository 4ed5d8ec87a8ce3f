using System.Net;
using System.Text.RegularExpressions;
using Takedown.Api.Tests.Portal;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// An operator's browser over plain HTTP: signs in with the form, keeps the cookies, and posts forms with the
/// anti-forgery token the page gave, as a browser would. Not following redirects, so tests see them.
/// </summary>
public sealed partial class OperatorClient
{
    private OperatorClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>Signed in to a host listening on <paramref name="baseUrl"/>.</summary>
    public static Task<OperatorClient> SignInAsync(string baseUrl, string operatorId, string password = OperatorHost.Password) =>
        SignInAsync(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
        }, operatorId, password);

    /// <summary>Signed in on a client that keeps cookies and does not follow redirects.</summary>
    public static async Task<OperatorClient> SignInAsync(HttpClient client, string operatorId, string password = OperatorHost.Password)
    {
        ArgumentNullException.ThrowIfNull(client);
        var signedInClient = new OperatorClient(client);
        var signedIn = await signedInClient.PostFormAsync("/operator/sign-in", [new("operatorId", operatorId), new("password", password)]);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.ToString().ShouldBe("/operator");
        return signedInClient;
    }

    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await Http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form of the page at <paramref name="pagePath"/>, with its token, to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, IEnumerable<KeyValuePair<string, string>> fields, string? action = null)
    {
        var html = await Http.GetStringAsync(pagePath);
        return await Http.PostAsync(action ?? pagePath, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", PortalClient.Token(html))]));
    }

    /// <summary>The rows of the table marked <c>data-testid</c>, as their cells' text.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(string html, string testId)
    {
        var table = Regex.Match(html, $"<table[^>]*data-testid=\"{testId}\"[^>]*>(.*?)</table>", RegexOptions.Singleline);
        table.Success.ShouldBeTrue($"table {testId}");
        return [.. BodyRow().Matches(table.Groups[1].Value)
            .Select(row => (IReadOnlyList<string>)[.. Cell().Matches(row.Groups[1].Value)
                .Select(cell => WebUtility.HtmlDecode(Tag().Replace(cell.Groups[1].Value, "")).Trim())])
            .Where(cells => cells.Count > 0)];
    }

    [GeneratedRegex("<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex BodyRow();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
