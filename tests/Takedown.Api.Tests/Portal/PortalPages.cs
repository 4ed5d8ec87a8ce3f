using System.Text.RegularExpressions;

namespace Takedown.Api.Tests.Portal;

/// <summary>What every portal page must have, error pages included, and a way to compare two pages' words.</summary>
public static partial class PortalPages
{
    public static void ShouldHaveTheSafetyParts(HttpResponseMessage response, string html, string because)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", because);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue(because);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self';", Case.Sensitive, because);
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer", because);
        html.ShouldContain("Snel weg / Quick exit", Case.Sensitive, because);
        html.ShouldContain("href=\"https://www.weeronline.nl/\"", Case.Sensitive, because);
        html.ShouldContain("src=\"/js/quick-exit.js\"", Case.Sensitive, because);
        foreach (var number in new[] { "tel:112", "0800-2000", "0900-0101", "0900-8844" })
        {
            html.ShouldContain(number, Case.Sensitive, because);
        }
        html.ShouldNotContain("<script>", Case.Insensitive, because);
        html.ShouldNotContain("style=", Case.Insensitive, because);
        OnHandler().IsMatch(html).ShouldBeFalse(because + ": an inline event handler");
        Title().Match(html).Groups[1].Value.ShouldEndWith("Takedown", Case.Sensitive, because);
    }

    /// <summary>
    /// The page without what differs per request (anti-forgery tokens, trace ids) and with <paramref name="paths"/>
    /// (the address that was asked for, which the language switch returns to) replaced by one placeholder.
    /// </summary>
    public static string Normalised(string html, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var text = TokenValue().Replace(TraceId().Replace(html, ""), "");
        foreach (var path in paths)
        {
            text = text.Replace(path, "{path}", StringComparison.Ordinal);
        }
        return text;
    }

    [GeneratedRegex("<title>([^<]*)</title>")]
    public static partial Regex Title();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex OnHandler();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]+\"")]
    private static partial Regex TokenValue();

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
