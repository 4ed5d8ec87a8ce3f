using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;

namespace Takedown.Api.Tests.Portal;

/// <summary>Requesting sign-in links is rate limited per address: nobody can flood an inbox through the portal.</summary>
public sealed partial class PortalSignInLimitTests(PortalSignInLimitTests.LimitedFactory factory) : IClassFixture<PortalSignInLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Portal:EmailKey", "limit-test-email-key-0123456789abcdef");
            builder.UseSetting("RateLimits:PortalSignIn:PerMinute", "3");
        }
    }

    [Fact]
    public async Task The_fourth_sign_in_request_within_a_minute_is_refused_with_429()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            var page = await client.GetStringAsync("/");
            var token = Token().Match(page).Groups[1].Value;
            var response = await client.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = $"flood{i}@example.nl",
                ["__RequestVerificationToken"] = token,
            }));
            statuses.Add(response.StatusCode);
            last = response;
        }

        statuses.Take(3).ShouldAllBe(s => s != HttpStatusCode.TooManyRequests);
        statuses[3].ShouldBe(HttpStatusCode.TooManyRequests);
        // The refusal is a portal page: a victim who is refused still has the quick exit and the emergency numbers.
        var html = await last!.Content.ReadAsStringAsync();
        PortalPages.ShouldHaveTheSafetyParts(last, html, "429");
        html.ShouldContain("Wacht een minuut");
        html.ShouldNotContain("flood3@example.nl");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
