using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Platforms.Registry;
using Takedown.Platforms.Reports;

namespace Takedown.Platforms.Tests.Registry;

public sealed class PlatformRegistryTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Given_api_and_email_platforms_When_read_Then_every_setting_is_bound()
    {
        var registry = PlatformRegistry.FromConfiguration(Config(
            ("Platforms:Forum:BaseUrl", "https://api.forum.example/dsa"),
            ("Platforms:Forum:ResponseTarget", "7.00:00:00"),
            ("Platforms:Forum:Categories:0", "privacy"),
            ("Platforms:Forum:Auth:Kind", "OAuth2ClientCredentials"),
            ("Platforms:Forum:Auth:TokenUrl", "https://auth.forum.example/token"),
            ("Platforms:Forum:Auth:ClientId", "takedown"),
            ("Platforms:Forum:Auth:ClientSecret", "s3cret"),
            ("Platforms:Forum:Auth:Scope", "notices"),
            ("Platforms:Paste:Channel", "Email"),
            ("Platforms:Paste:Email", "abuse@paste.example"),
            ("Platforms:Paste:ResponseTarget", "3.00:00:00"),
            ("Platforms:Paste:Categories:0", "privacy")));

        var forum = registry.Get("forum");
        forum.Name.ShouldBe("Forum");
        forum.Channel.ShouldBe(NoticeChannel.Api);
        forum.Auth.Kind.ShouldBe(PlatformAuthKind.OAuth2ClientCredentials);
        forum.Auth.Scope.ShouldBe("notices");
        forum.ResponseTarget.ShouldBe(TimeSpan.FromDays(7));
        forum.Categories.ShouldBe(["privacy"]);
        registry.Get("Paste").Email.ShouldBe("abuse@paste.example");
    }

    [Fact]
    public void Given_invalid_platforms_When_read_Then_one_error_names_every_wrong_setting()
    {
        var error = Should.Throw<InvalidOperationException>(() => PlatformRegistry.FromConfiguration(Config(
            ("Platforms:Forum:BaseUrl", "ftp://api.forum.example"),
            ("Platforms:Forum:Auth:Kind", "ApiKey"),
            ("Platforms:Forum:Resilience:MinimumThroughput", "1"),
            ("Platforms:Paste:Channel", "Email"),
            ("Platforms:Paste:ResponseTarget", "3.00:00:00"),
            ("Platforms:Paste:Categories:0", "privacy"))));

        error.Message.ShouldContain("Platforms:Forum:BaseUrl");
        error.Message.ShouldContain("Platforms:Forum:ResponseTarget");
        error.Message.ShouldContain("Platforms:Forum:Categories");
        error.Message.ShouldContain("Platforms:Forum:Auth needs Header and Key");
        error.Message.ShouldContain("MinimumThroughput");
        error.Message.ShouldContain("Platforms:Paste:Email");
    }

    [Fact]
    public void Given_invalid_platform_When_services_added_Then_start_up_fails()
    {
        Should.Throw<InvalidOperationException>(() =>
            new ServiceCollection().AddPlatformClients(Config(("Platforms:Forum:BaseUrl", "not a url"))));
    }

    [Fact]
    public void Given_email_only_platform_When_api_asked_for_Then_told_to_send_a_letter()
    {
        using var services = new ServiceCollection().AddLogging().AddPlatformClients(Config(
            ("Platforms:Paste:Channel", "Email"),
            ("Platforms:Paste:Email", "abuse@paste.example"),
            ("Platforms:Paste:ResponseTarget", "3.00:00:00"),
            ("Platforms:Paste:Categories:0", "privacy"))).BuildServiceProvider();
        var apis = services.GetRequiredService<IPlatformReportApis>();

        Should.Throw<InvalidOperationException>(() => apis.ForPlatform("Paste")).Message.ShouldContain("e-mail only");
        Should.Throw<KeyNotFoundException>(() => apis.ForPlatform("Unknown"));
    }
}
