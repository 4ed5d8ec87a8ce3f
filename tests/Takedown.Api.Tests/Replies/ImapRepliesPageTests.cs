using System.Net;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Application.Letters;
using Takedown.Testing;

namespace Takedown.Api.Tests.Replies;

/// <summary>The API with its in-process worker reading a real dovecot's reply mailbox.</summary>
[SupportedOSPlatform("linux")]
public sealed class ImapApiFactory : ApiFactory, IAsyncLifetime
{
    public ImapTestServer Imap { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        Imap = await ImapTestServer.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Imap.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in Imap.Settings())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Replies read over IMAP reach the operators' replies page, mail addressed to no case of ours included.</summary>
[SupportedOSPlatform("linux")]
public sealed class ImapRepliesPageTests(ImapApiFactory factory) : IClassFixture<ImapApiFactory>
{
    [Fact]
    public async Task Mail_moved_to_the_Failed_folder_is_on_the_operators_replies_page_beside_a_reply_moved_to_Processed()
    {
        var partner = factory.ClientFor(ApiFactory.PartnerKey);
        var caseId = await ApiFactory.OpenCaseAsync(partner);
        var drafted = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(partner, $"/api/v1/cases/{caseId}/erasure-requests", new
        {
            controllerName = "Imap B.V.", controllerEmail = "privacy@imap.example", controllerCountry = "NL",
            personalData = new[] { "woonadres" }, urls = new[] { "https://imap.example/p/1" },
        });
        drafted.EnsureSuccessStatusCode();
        var requestId = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(drafted.Content))
            .GetProperty("id").GetGuid();
        var replyTo = factory.Services.GetRequiredService<LetterWorkflow>().ReplyAddressFor(requestId);
        await factory.Imap.AppendAsync(Encoding.UTF8.GetBytes(
            $"From: privacy@imap.example\r\nTo: {replyTo}\r\nSubject: Re: verzoek\r\n\r\nWij hebben de gegevens verwijderd.\r\n"));
        await factory.Imap.AppendAsync(Encoding.UTF8.GetBytes("\u0001 no header at all\r\n\r\n\u00ff\r\n"));

        var until = DateTime.UtcNow.AddSeconds(60);
        while ((await factory.Imap.MessagesAsync("Failed")).Count < 1 || (await factory.Imap.MessagesAsync("Processed")).Count < 1)
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the worker did not move both messages");
            await Task.Delay(100);
        }

        var page = await (await SignedInOperatorAsync()).GetStringAsync("/operator/replies");
        page.ShouldContain("Failed folder");
        page.ShouldContain("Processed folder");
        page.ShouldContain("unmatched");
    }

    private async Task<HttpClient> SignedInOperatorAsync()
    {
        var client = factory.CreateClient();
        var form = await client.GetStringAsync("/operator/sign-in");
        var signedIn = await client.PostAsync("/operator/sign-in", new FormUrlEncodedContent(
        [
            new("operatorId", ApiFactory.OperatorId), new("password", ApiFactory.OperatorPassword), new("returnUrl", ""),
            new("__RequestVerificationToken", Portal.PortalClient.Token(form)),
        ]));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        return client;
    }
}
