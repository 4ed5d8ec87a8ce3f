using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Application.Letters;
using Takedown.Application.PlatformReports;
using Takedown.Domain.PlatformReports;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// Who the notice names as notifier (DSA Art. 16(2)(c)): by default the service on the victim's behalf, with its name and
/// the report's reply address, so the victim's name and e-mail address are nowhere in what goes to the platform; or, by
/// choice, the victim.
/// </summary>
public sealed partial class PortalPlatformReportTests
{
    [Fact]
    public async Task The_start_form_explains_the_notifier_choice_and_recommends_the_service()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync("/melden"));

        html.ShouldContain("Het platform mag degene die de inhoud plaatste vertellen wie de melding deed.");
        html.ShouldContain("name=\"Notifier\" value=\"Service\" checked=\"checked\"");
        html.ShouldContain("name=\"Notifier\" value=\"Victim\"");
    }

    [Fact]
    public async Task By_default_the_service_is_the_notifier_and_neither_the_victims_name_nor_email_is_in_the_notice_or_its_hash()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        const string name = "Anna Onvindbaar-de Vries";
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync(name, email, "Sandbox", notifier: null);
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var reportId = Guid.Parse(noticePath[^36..]);
        var letters = factory.Services.GetRequiredService<LetterWorkflow>();

        var review = (await factory.Services.GetRequiredService<PlatformNotices>().ReviewAsync(reportId, CancellationToken.None))!;
        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath));

        review.Notice.Notifier.ShouldBe(new Takedown.Platforms.Notices.NotifierContact(letters.ServiceName, letters.ReplyAddressFor(reportId)));
        var content = JsonSerializer.Serialize(review.Notice);
        content.ShouldNotContain("Onvindbaar");
        content.ShouldNotContain(email);
        review.ContentSha256.ShouldBe(review.Notice.ContentSha256());
        page.ShouldContain(letters.ReplyAddressFor(reportId));
        (await ScalarAsync("SELECT data->>'notifier' FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'platform-report-drafted'", reportId))
            .ShouldBe(nameof(NotifierKind.Service));

        page.ShouldNotContain("Onvindbaar");
    }

    [Fact]
    public async Task With_the_service_as_notifier_the_notice_letter_to_an_email_only_platform_names_neither_the_victim_nor_their_address()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        const string name = "Bert Onvindbaar-Jansen";
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync(name, email, "SandboxMail", notifier: "Service");
        var noticePath = NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value;
        var reportId = Guid.Parse(noticePath[^36..]);
        var letters = factory.Services.GetRequiredService<LetterWorkflow>();

        var review = (await factory.Services.GetRequiredService<PlatformNotices>().ReviewAsync(reportId, CancellationToken.None))!;

        var letter = review.Letter.ShouldNotBeNull();
        var text = letter.PlainText + letter.Html + letter.Subject;
        text.ShouldNotContain("Onvindbaar");
        text.ShouldNotContain(email);
        letter.PlainText.ShouldContain(letters.ReplyAddressFor(reportId));
        letter.PlainText.ShouldContain("namens een persoon die door deze inhoud wordt getroffen");

        var sha = Sha().Match(WebUtility.HtmlDecode(await victim.GetHtmlAsync(noticePath))).Groups[1].Value;
        var before = factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress).Count;
        (await victim.PostFormAsync(noticePath, [new("shownSha256", sha), new("publicationWarningRead", "true")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await Eventually(async () => await StatusAsync(reportId) == "Filed");
        var raw = PortalFactory.DecodeQuotedPrintable(Encoding.UTF8.GetString(factory.Smtp.ReceivedFor(PortalFactory.MailPlatformAddress).Skip(before).Single().Raw));
        raw.ShouldNotContain("Onvindbaar");
        raw.ShouldNotContain(email);
    }

    [Fact]
    public async Task With_the_victim_as_notifier_the_notice_carries_the_victims_name_and_email()
    {
        var victim = new PortalClient(factory);
        var email = NewEmail();
        await victim.SignInAsync(email);
        var casePath = await victim.StartReportAsync("Anna de Vries", email, "Sandbox", notifier: "Victim");
        var reportId = Guid.Parse(NoticeLink().Match(await victim.GetHtmlAsync(casePath)).Value[^36..]);

        var review = (await factory.Services.GetRequiredService<PlatformNotices>().ReviewAsync(reportId, CancellationToken.None))!;

        review.Notice.Notifier.ShouldBe(new Takedown.Platforms.Notices.NotifierContact("Anna de Vries", email));
    }

    [Fact]
    public async Task A_notifier_that_is_not_exactly_one_of_the_names_stores_nothing()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());
        KeyValuePair<string, string>[] fields =
        [
            new("Name", "Anna de Vries"), new("Email", "anna@slachtoffer.example"), new("What", "address"),
            new("Urls", "https://forum.example/t/123"), new("Erasure", "false"), new("Report", "true"), new("Platform", "Sandbox"),
            new("Category", "Doxing"), new("GoodFaith", "true"),
        ];

        foreach (var notifier in new[] { "service", "1", "Platform", "" })
        {
            var response = await victim.PostFormAsync("/melden", [.. fields, new("Notifier", notifier)]);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"Notifier \"{notifier}\"");
            WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()).ShouldContain("Kies wie de melding doet.");
        }
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldContain("U hebt nog geen zaak.");
    }
}
