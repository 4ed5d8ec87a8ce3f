using Takedown.Application.EventStorage;
using System.Net;
using Microsoft.Playwright;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Operators;
using Takedown.Domain.PlatformReports;
using Takedown.Testing;

namespace Takedown.Api.Tests.Operator;

/// <summary>The operator's daily path in a real browser against the host on a real socket and database.</summary>
public sealed class OperatorDashboardTests(OperatorHost host, BrowserFixture browser) : IClassFixture<OperatorHost>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Signed_out_visitor_is_sent_to_sign_in_and_a_wrong_password_is_refused()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/operator/deadlines?due=Overdue");
        page.Url.ShouldStartWith(host.BaseUrl + "/operator/sign-in");
        await page.FillAsync("input[name=operatorId]", OperatorHost.OperatorId);
        await page.FillAsync("input[name=password]", "wrong password");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");

        refused.Status.ShouldBe(401);
        (await page.TextContentAsync("[role=alert]"))!.ShouldContain("do not match");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "takedown-operator");
    }

    [Fact]
    public async Task Operator_sees_an_overdue_request_on_the_dashboard_and_in_the_overdue_list()
    {
        var (caseId, reference, requestId) = await host.CaseWithOverdueRequestAsync("Overdue Adverteerder B.V.", TimeSpan.FromDays(3));
        var (_, _, onTime) = await host.CaseWithOverdueRequestAsync("Op Tijd B.V.", TimeSpan.FromDays(-10));
        var page = await SignedInAsync(OperatorHost.OperatorId);

        await page.GotoAsync("/operator");
        int.Parse((await page.TextContentAsync("[data-testid=count-overdue] strong"))!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
        await page.GotoAsync("/operator/deadlines?due=Overdue");

        var row = page.Locator($"tr[data-request='{requestId}']");
        (await row.CountAsync()).ShouldBe(1);
        (await row.TextContentAsync())!.ShouldContain(reference);
        (await row.TextContentAsync())!.ShouldContain("Overdue Adverteerder B.V.");
        (await page.Locator($"tr[data-request='{onTime}']").CountAsync()).ShouldBe(0);
        await page.GotoAsync("/operator");
        await BrowserFixture.ScreenshotAsync(page, "operator-dashboard");

        await page.ClickAsync($"a[href='/operator/cases/{caseId}']");
        (await page.TextContentAsync("h1"))!.ShouldContain(reference);
        var history = await page.Locator("[data-testid=history] tbody tr").AllTextContentsAsync();
        history.ShouldContain(t => t.Contains("case-opened", StringComparison.Ordinal) && t.Contains("integration:test", StringComparison.Ordinal));
        history.ShouldContain(t => t.Contains("erasure-request-sent", StringComparison.Ordinal));
        // The case page shows no personal data: not the data items, not the URLs.
        (await page.ContentAsync()).ShouldNotContain("https://example.org/p/1");
    }

    [Fact]
    public async Task Operator_edits_and_approves_a_complaint_but_cannot_lodge_it()
    {
        var (_, _, complaintId) = await host.CaseWithPreparedComplaintAsync("Traag Bedrijf B.V.");
        var page = await SignedInAsync(OperatorHost.OperatorId);

        await page.GotoAsync("/operator");
        await page.ClickAsync($"tr[data-complaint='{complaintId}'] a:text('Review')");
        await page.FillAsync("[data-testid=complaint-text]", "Geachte AP, Traag Bedrijf B.V. antwoordde niet binnen de termijn van AVG art. 12 lid 3.");
        await page.ClickAsync("[data-testid=approve]");

        (await page.TextContentAsync("[data-testid=complaint-status]")).ShouldBe("Reviewed");
        (await page.Locator("[data-testid=lodge]").CountAsync()).ShouldBe(0);
        await BrowserFixture.ScreenshotAsync(page, "operator-escalation-review");

        // A hand-made form post with a valid anti-forgery token is refused all the same.
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var lodge = await page.APIRequest.PostAsync($"/operator/escalations/{complaintId}?handler=Lodge", new APIRequestContextOptions
        {
            Form = FormWith(page, ("apReference", "AP-2026-1"), ("__RequestVerificationToken", token!)),
            MaxRedirects = 0,
        });
        lodge.Status.ShouldBe(403);

        var stream = await host.Store.FetchStreamAsync(complaintId);
        var reviewed = stream.Single(e => e.Data is ApComplaintReviewed);
        ((ApComplaintReviewed)reviewed.Data).Text.ShouldContain("AVG art. 12 lid 3");
        ((ApComplaintReviewed)reviewed.Data).Reviewer.ShouldBe(OperatorHost.OperatorId);
        reviewed.Actor().ShouldBe("operator:olga");
        var audit = (OperatorActionRecorded)stream.Single(e => e.Data is OperatorActionRecorded).Data;
        audit.ShouldBe(audit with { OperatorId = "olga", Action = OperatorActions.ReviewApComplaint, SubjectId = complaintId });
        stream.ShouldNotContain(e => e.Data is ApComplaintLodged);
    }

    /// <summary>The day the AP's confirmation says it received a complaint: yesterday.</summary>
    private static DateOnly ApReceivedOn => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1));

    [Fact]
    public async Task Supervisor_lodges_a_reviewed_complaint_with_its_dossier_and_the_AP_reference()
    {
        var (caseId, _, complaintId) = await host.CaseWithPreparedComplaintAsync("Nog Trager B.V.", authorised: true);
        var page = await SignedInAsync(OperatorHost.SupervisorId);
        await page.GotoAsync($"/operator/escalations/{complaintId}");

        // Under operator review a complaint cannot be lodged before its text was approved.
        await page.FillAsync("[data-testid=ap-reference-input]", "AP-2026-0042");
        await page.FillAsync("[data-testid=lodged-on-input]", ApReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=lodge]");
        (await page.TextContentAsync("[role=alert]"))!.ShouldContain("review");
        await page.ClickAsync("[data-testid=approve]");

        // Approving the text made the dossier: the full copy of what goes to the AP, with the victim's authorisation.
        var dossier = (await page.TextContentAsync("[data-testid=dossier-text]"))!;
        dossier.ShouldContain("Klacht op grond van artikel 77 AVG over Nog Trager B.V.");
        dossier.ShouldContain("Machtiging");
        dossier.ShouldContain("Elektronisch ondertekend door Anna de Vries");
        (await page.TextContentAsync("[data-testid=authorisation]"))!.ShouldContain("signed the authorisation");
        var shown = (await page.TextContentAsync("[data-testid=dossier-sha]"))!;
        var pdf = await page.APIRequest.GetAsync((await page.GetAttributeAsync("[data-testid=dossier-pdf]", "href"))!);
        pdf.Status.ShouldBe(200);
        pdf.Headers["content-type"].ShouldBe("application/pdf");
        await page.FillAsync("[data-testid=ap-reference-input]", "AP-2026-0042");
        await page.FillAsync("[data-testid=lodged-on-input]", ApReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=lodge]");

        (await page.TextContentAsync("[data-testid=complaint-status]")).ShouldBe("Lodged");
        (await page.TextContentAsync("[data-testid=ap-reference]")).ShouldBe("AP-2026-0042");
        (await page.TextContentAsync("[data-testid=lodged-on]")).ShouldBe(ApReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await BrowserFixture.ScreenshotAsync(page, "operator-escalation-lodged");
        var stream = await host.Store.FetchStreamAsync(complaintId);
        stream.Single(e => e.Data is ApComplaintLodged).Actor().ShouldBe("operator:sam");
        var lodged = (ApComplaintLodged)stream.Single(e => e.Data is ApComplaintLodged).Data;
        lodged.DossierSha256.ShouldBe(shown);
        // GDPR Art. 78(2) runs from the day the AP received it, as recorded, not from the click.
        (lodged.LodgedOn, lodged.LodgedBy, lodged.Channel).ShouldBe((ApReceivedOn, ApLodger.Operator, Takedown.Domain.Letters.LetterChannels.WebForm));
        ((ApDossierPrepared)stream.Single(e => e.Data is ApDossierPrepared).Data).ContentSha256.ShouldBe(shown);
        stream.Where(e => e.Data is OperatorActionRecorded).Select(e => ((OperatorActionRecorded)e.Data).Action)
            .ShouldBe([OperatorActions.ReviewApComplaint, OperatorActions.LodgeApComplaint]);

        await page.GotoAsync($"/operator/cases/{caseId}");
        var history = await page.Locator("[data-testid=history] tbody tr").AllTextContentsAsync();
        history.ShouldContain(t => t.Contains("ap-complaint-lodged", StringComparison.Ordinal) && t.Contains("operator:sam", StringComparison.Ordinal));
        history.ShouldContain(t => t.Contains("operator-action-recorded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_victims_authorisation_the_complaint_is_not_lodged_until_it_is_signed_and_the_dossier_made_again()
    {
        var (caseId, _, complaintId) = await host.CaseWithPreparedComplaintAsync("Stille Uitgever B.V.");
        var page = await SignedInAsync(OperatorHost.SupervisorId);
        await page.GotoAsync($"/operator/escalations/{complaintId}");
        await page.ClickAsync("[data-testid=approve]");
        (await page.TextContentAsync("[data-testid=authorisation]"))!.ShouldContain("has not signed");
        (await page.TextContentAsync("[data-testid=dossier-text]"))!.ShouldNotContain("ondertekende machtiging");

        await page.FillAsync("[data-testid=ap-reference-input]", "AP-2026-0077");

        await page.FillAsync("[data-testid=lodged-on-input]", ApReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=lodge]");
        (await page.TextContentAsync("[role=alert]"))!.ShouldContain("has not authorised us");

        await host.AuthoriseAsync(caseId);
        await page.GotoAsync($"/operator/escalations/{complaintId}");
        (await page.Locator("[data-testid=dossier-outdated]").CountAsync()).ShouldBe(1);
        await page.ClickAsync("[data-testid=prepare-dossier]");
        (await page.TextContentAsync("[data-testid=dossier-text]"))!.ShouldContain("Elektronisch ondertekend door Anna de Vries");
        await page.FillAsync("[data-testid=ap-reference-input]", "AP-2026-0077");
        await page.FillAsync("[data-testid=lodged-on-input]", ApReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=lodge]");

        (await page.TextContentAsync("[data-testid=complaint-status]")).ShouldBe("Lodged");
        (await host.Store.FetchStreamAsync(complaintId)).Count(e => e.Data is ApDossierPrepared).ShouldBe(2);
    }

    [Fact]
    public async Task A_form_post_without_the_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var (_, _, complaintId) = await host.CaseWithPreparedComplaintAsync("Zonder Token B.V.");
        var page = await SignedInAsync(OperatorHost.SupervisorId);

        var review = await page.APIRequest.PostAsync($"/operator/escalations/{complaintId}?handler=Review", new APIRequestContextOptions
        {
            Form = FormWith(page, ("text", "Andere tekst")),
            MaxRedirects = 0,
        });

        review.Status.ShouldBe(400);
        (await host.Store.FetchStreamAsync(complaintId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Statistics_show_response_times_and_removals_as_svg_charts()
    {
        var (caseId, _) = await host.OpenCaseAsync(Domain.Cases.EscalationMode.OperatorReview);
        await host.DecidedPlatformReportAsync(caseId, "Statistiekplatform", ReportCategory.Doxing, removed: true, afterDays: 1);
        await host.DecidedPlatformReportAsync(caseId, "Statistiekplatform", ReportCategory.Doxing, removed: true, afterDays: 3);
        await host.DecidedPlatformReportAsync(caseId, "Statistiekplatform", ReportCategory.Threats, removed: false, afterDays: 5);
        var page = await SignedInAsync(OperatorHost.OperatorId);

        var response = await page.GotoAsync("/operator/statistics");
        // Another test in this host may have had the figures computed before these reports existed.
        var refreshed = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("[data-testid=refresh]"), r => r.Request.Method == "POST");

        response!.Status.ShouldBe(200);
        refreshed.Status.ShouldBe(302);
        var row = page.Locator("table.list tr", new PageLocatorOptions { HasText = "Statistiekplatform" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        page.Url.ShouldBe(host.BaseUrl + "/operator/statistics");
        // Median of 1, 3 and 5 days is 3; percentile_cont(0.9) interpolates to 4.6.
        (await row.AllTextContentsAsync()).ShouldContain(t => t.Contains("3.0", StringComparison.Ordinal) && t.Contains("4.6", StringComparison.Ordinal));
        (await page.Locator("svg.chart").CountAsync()).ShouldBe(3);
        (await page.Locator("svg.chart text", new PageLocatorOptions { HasText = "Doxing" }).CountAsync()).ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(page, "operator-statistics");
    }

    [Fact]
    public async Task Responses_carry_the_security_headers_and_the_cookie_is_http_only_and_strict()
    {
        var page = await SignedInAsync(OperatorHost.OperatorId);

        var response = await page.GotoAsync("/operator");

        (await response!.HeaderValueAsync("content-security-policy"))!.ShouldContain("script-src 'self'");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "takedown-operator");
        cookie.HttpOnly.ShouldBeTrue();
        cookie.SameSite.ShouldBe(SameSiteAttribute.Strict);
        cookie.Path.ShouldBe("/operator");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.BaseUrl) };
        (await anonymous.GetAsync("/operator/statistics")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static IFormData FormWith(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }
        return form;
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.NewContextAsync(host.BaseUrl, phone: false);
        return await context.NewPageAsync();
    }

    private async Task<IPage> SignedInAsync(string operatorId)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/operator/sign-in");
        await page.FillAsync("input[name=operatorId]", operatorId);
        await page.FillAsync("input[name=password]", OperatorHost.Password);
        await page.ClickAsync("button[type=submit]");
        page.Url.ShouldBe(host.BaseUrl + "/operator");
        return page;
    }
}
