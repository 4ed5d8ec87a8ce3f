using Takedown.Platforms.Notices;
using Takedown.Platforms.Tests.Reports;

namespace Takedown.Platforms.Tests.Notices;

public sealed class DsaNoticeCheckTests
{
    [Fact]
    public void Given_complete_notice_When_checked_Then_nothing_missing()
    {
        DsaNoticeCheck.Missing(Reports.Notices.Complete()).ShouldBeEmpty();
    }

    [Fact]
    public void Given_empty_notice_When_checked_Then_every_element_missing()
    {
        var notice = new DsaNotice("TD-1", [], " ", "privacy", new NotifierContact("", ""), "");

        DsaNoticeCheck.Missing(notice).ShouldBe(
            [NoticeElement.Explanation, NoticeElement.ExactUrls, NoticeElement.NotifierName, NoticeElement.NotifierEmail, NoticeElement.GoodFaithStatement]);
    }

    [Theory]
    [InlineData("ftp://example.org/file")]
    [InlineData("javascript:alert(1)")]
    [InlineData("example.org/page")]
    [InlineData("file:///etc/passwd")]
    public void Given_url_that_is_not_an_exact_web_address_When_checked_Then_urls_missing(string url)
    {
        var notice = Reports.Notices.Complete() with { Urls = ["https://example.org/ok", url] };

        DsaNoticeCheck.Missing(notice).ShouldBe([NoticeElement.ExactUrls]);
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("two@@example.nl")]
    [InlineData("space @example.nl")]
    [InlineData("trailing@")]
    [InlineData("@example.nl")]
    [InlineData("a.jansen@example.nl,b@example.nl")]
    [InlineData("a.jansen@exa(mple.nl")]
    [InlineData("a.jansen@example.nl\r\nBcc:x@example.nl")]
    public void Given_malformed_email_When_checked_Then_email_missing(string email)
    {
        var notice = Reports.Notices.Complete() with { Notifier = new NotifierContact("A. Jansen", email) };

        DsaNoticeCheck.Missing(notice).ShouldBe([NoticeElement.NotifierEmail]);
    }

    [Theory]
    [InlineData("a.jansen@example.nl")]
    [InlineData("A.Jansen+takedown@mail.example.nl")]
    public void Given_plain_email_When_checked_Then_nothing_missing(string email)
    {
        var notice = Reports.Notices.Complete() with { Notifier = new NotifierContact("A. Jansen", email) };

        DsaNoticeCheck.Missing(notice).ShouldBeEmpty();
    }

    [Fact]
    public void Given_incomplete_notice_When_ensured_Then_exception_names_the_missing_elements()
    {
        var error = Should.Throw<IncompleteNoticeException>(() => DsaNoticeCheck.EnsureComplete(Reports.Notices.Complete() with { Explanation = "" }));

        error.Missing.ShouldBe([NoticeElement.Explanation]);
        error.Message.ShouldContain("Explanation");
    }

    [Fact]
    public void Given_the_same_notice_When_hashed_twice_Then_the_same_hash_and_any_changed_field_changes_it()
    {
        var notice = Reports.Notices.Complete();
        var hash = notice.ContentSha256();

        hash.ShouldMatch("^[0-9a-f]{64}$");
        (notice with { Urls = [.. notice.Urls] }).ContentSha256().ShouldBe(hash);
        DsaNotice[] changed =
        [
            notice with { Reference = "TD-2026-0002" },
            notice with { Urls = [notice.Urls[0]] },
            notice with { Urls = [notice.Urls[1], notice.Urls[0]] },
            notice with { Explanation = notice.Explanation + " " },
            notice with { Category = "harassment" },
            notice with { Notifier = notice.Notifier with { Name = "B. Jansen" } },
            notice with { Notifier = notice.Notifier with { Email = "other@example.nl" } },
            notice with { GoodFaithStatement = "I believe so." },
            // Moving text between fields must not give the same hash: every field is length-prefixed.
            notice with { Notifier = new NotifierContact("A. Jansennotifier@example.nl", "") },
        ];
        changed.Select(n => n.ContentSha256()).ShouldAllBe(h => h != hash);
        changed.Select(n => n.ContentSha256()).Distinct().Count().ShouldBe(changed.Length);
    }
}
