using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.PlatformReports;

public partial class PlatformReportTests
{
    [Fact]
    public void Complete_notice_lacks_nothing()
    {
        PlatformReport.MissingElements(Urls, "why", "name", "a@b.example", true).ShouldBeEmpty();
    }

    [Fact]
    public void Empty_notice_lacks_all_four_elements_of_DSA_Art_16_2()
    {
        PlatformReport.MissingElements([], "", "", "", false).ShouldBe(
            [NoticeElement.Explanation, NoticeElement.ExactUrls, NoticeElement.NotifierNameAndEmail, NoticeElement.GoodFaithStatement]);
    }

    [Theory]
    [InlineData("forum.example/t/42")]
    [InlineData("the third post in the thread")]
    [InlineData("ftp://forum.example/t/42")]
    public void Notice_with_a_location_that_is_not_an_exact_URL_lacks_exact_URLs(string location)
    {
        PlatformReport.MissingElements([Urls[0], location], "why", "name", "a@b.example", true).ShouldBe([NoticeElement.ExactUrls]);
    }

    [Fact]
    public void Notice_without_an_email_address_lacks_the_notifier()
    {
        PlatformReport.MissingElements(Urls, "why", "name", "no address", true).ShouldBe([NoticeElement.NotifierNameAndEmail]);
    }
}
