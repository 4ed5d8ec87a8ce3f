using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Takedown.Api.Tests.Operator;

/// <summary>Operator sign-in is rate limited per address: guessing passwords costs time.</summary>
public sealed class OperatorSignInLimitTests(OperatorHost host) : IClassFixture<OperatorHost>
{
    [Fact]
    public async Task After_three_attempts_in_a_minute_even_the_right_password_is_refused_with_429_and_the_form_still_shows()
    {
        using var limited = host.WithWebHostBuilder(b => b.UseSetting("RateLimits:OperatorSignIn:PerMinute", "3"));
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;

        foreach (var password in new[] { "guess 1", "guess 2", "guess 3", OperatorHost.Password })
        {
            var form = await client.GetStringAsync("/operator/sign-in");
            last = await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(
            [
                new("operatorId", OperatorHost.SupervisorId), new("password", password),
                new("__RequestVerificationToken", Portal.PortalClient.Token(form)),
            ]));
            statuses.Add(last.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests]);
        last.Headers.TryGetValues("Set-Cookie", out var cookies).ShouldBeFalse(string.Join("; ", cookies ?? []));
        (await client.GetAsync("/operator")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "still signed out");
        (await client.GetAsync("/operator/sign-in")).StatusCode.ShouldBe(HttpStatusCode.OK, "only attempts count, not looking at the form");
    }
}
