using System.Net;
using System.Text.RegularExpressions;
using Npgsql;

namespace Takedown.Api.Tests.Portal;

/// <summary>The portal over plain HTTP against the real server: headers, anti-forgery, sign-in links, isolation.</summary>
public sealed partial class PortalHttpTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static string NewEmail() => $"v{Guid.NewGuid():N}@mail.test";

    [Theory]
    [InlineData("/", false, HttpStatusCode.OK)]
    [InlineData("/veilig-browsen", false, HttpStatusCode.OK)]
    [InlineData("/inloggen/verstuurd", false, HttpStatusCode.OK)]
    [InlineData("/mijn-zaken", true, HttpStatusCode.OK)]
    [InlineData("/melden", true, HttpStatusCode.OK)]
    [InlineData("{case}", true, HttpStatusCode.OK)]
    [InlineData("{letter}", true, HttpStatusCode.OK)]
    [InlineData("{case}/dagboek", true, HttpStatusCode.OK)]
    [InlineData("{case}/stappen", true, HttpStatusCode.OK)]
    [InlineData("{case}/verwijderen", true, HttpStatusCode.OK)]
    [InlineData("/verwijderd", true, HttpStatusCode.OK)]
    [InlineData("/zaak/{unknown}", true, HttpStatusCode.NotFound)]
    [InlineData("/zaak/{unknown}/dagboek/pdf", true, HttpStatusCode.NotFound)]
    [InlineData("/zaak/{unknown}/gegevens/json", true, HttpStatusCode.NotFound)]
    [InlineData("/bestaat-niet", false, HttpStatusCode.NotFound)]
    [InlineData("POST /", false, HttpStatusCode.BadRequest)]
    [InlineData("POST {case}/verwijderen", true, HttpStatusCode.BadRequest)]
    public async Task Every_page_has_the_safety_parts_and_headers(string request, bool signedIn, HttpStatusCode status)
    {
        var client = new PortalClient(factory);
        var path = request.Replace("POST ", "", StringComparison.Ordinal).Replace("{unknown}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        string? casePath = null;
        if (signedIn)
        {
            var email = NewEmail();
            await client.SignInAsync(email);
            if (path.Contains('{', StringComparison.Ordinal))
            {
                casePath = await client.StartTakedownAsync("Anna de Vries", email);
                path = path.Replace("{letter}", await client.LetterPathAsync(casePath), StringComparison.Ordinal)
                    .Replace("{case}", casePath, StringComparison.Ordinal);
            }
        }

        // A post without its anti-forgery token: the form that expired on a shared device, or a forged one.
        var response = request.StartsWith("POST ", StringComparison.Ordinal)
            ? await client.Http.PostAsync(path, new FormUrlEncodedContent([new("email", NewEmail())]))
            : await client.Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(status, path);
        html.ShouldContain("<html lang=\"nl\">");
        PortalPages.ShouldHaveTheSafetyParts(response, html, path);
        if (status != HttpStatusCode.OK)
        {
            html.ShouldNotContain("Anna de Vries");
            html.ShouldNotContain("Forum Voorbeeld");
            // A case reference (TD- and eight capitals or digits) as a word, not three letters inside a random token.
            System.Text.RegularExpressions.Regex.IsMatch(html, @"\bTD-[0-9A-Z]{8}\b").ShouldBeFalse("a case reference is on the page");
        }
        if (casePath is not null)
        {
            (await client.Http.GetAsync(casePath)).StatusCode.ShouldBe(HttpStatusCode.OK, "a refused post changes nothing");
        }
    }

    [Fact]
    public async Task Language_switch_sets_a_cookie_and_the_page_becomes_english()
    {
        var client = new PortalClient(factory);

        var switched = await client.PostFormAsync("/veilig-browsen", [new("language", "en"), new("returnTo", "/veilig-browsen")], "/taal");
        var html = await client.GetHtmlAsync("/veilig-browsen");

        switched.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        switched.Headers.Location!.ToString().ShouldBe("/veilig-browsen");
        html.ShouldContain("<html lang=\"en\">");
        html.ShouldContain("<title>Browse safely - Takedown</title>");
    }

    [Fact]
    public async Task Language_switch_does_not_redirect_to_another_site()
    {
        var client = new PortalClient(factory);

        var switched = await client.PostFormAsync("/", [new("language", "en"), new("returnTo", "https://evil.example/")], "/taal");

        switched.Headers.Location!.ToString().ShouldBe("/");
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused_and_sends_no_mail()
    {
        var email = NewEmail();

        var response = await factory.NewClient().PostAsync("/", new FormUrlEncodedContent([new("email", email)]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM takedown.portal_sign_in_tokens", connection);
        var tokensBefore = (long)(await count.ExecuteScalarAsync())!;
        (await factory.NewClient().PostAsync("/", new FormUrlEncodedContent([new("email", email)]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(tokensBefore);
    }

    [Fact]
    public async Task Sign_in_link_works_once_and_stores_neither_token_nor_address()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var link = await factory.SignInLinkAsync(email);
        var token = PortalClient.Query(link, "token");

        var other = new PortalClient(factory);
        var reused = await other.PostFormAsync(link.PathAndQuery, [new("token", token)], "/inloggen/link");

        reused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await reused.Content.ReadAsStringAsync()).ShouldContain("al gebruikt of verlopen");
        (await other.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await victim.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var dump = await DumpPortalTablesAsync();
        dump.ShouldNotContain(token);
        dump.ShouldNotContain(email, Case.Insensitive);
        dump.ShouldContain(Takedown.Api.Portal.VictimAccounts.Sha256(token));
    }

    [Fact]
    public async Task Expired_sign_in_link_is_refused()
    {
        var email = NewEmail();
        var client = new PortalClient(factory);
        (await client.PostFormAsync("/", [new("email", email)])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var link = await factory.SignInLinkAsync(email);

        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var used = await client.PostFormAsync(link.PathAndQuery, [new("token", PortalClient.Query(link, "token"))], "/inloggen/link");

        used.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Same_address_in_other_case_is_the_same_victim()
    {
        var email = NewEmail();
        var first = new PortalClient(factory);
        await first.SignInAsync(email);
        var casePath = await first.StartTakedownAsync("Anna de Vries", email);

        var second = new PortalClient(factory);
        await second.SignInAsync(" " + email.ToUpperInvariant() + " ", 2);

        (await second.Http.GetAsync(casePath)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_victim_gets_the_same_not_found_for_every_page_and_download_of_a_case()
    {
        var owner = new PortalClient(factory);
        var ownerEmail = NewEmail();
        await owner.SignInAsync(ownerEmail);
        var casePath = await owner.StartTakedownAsync("Anna de Vries", ownerEmail);
        var caseHtml = await owner.GetHtmlAsync(casePath);
        var letterPath = LetterLink().Match(caseHtml).Value;
        letterPath.ShouldNotBeEmpty();
        var noticePath = NoticeLink().Match(caseHtml).Value;
        noticePath.ShouldNotBeEmpty();
        (await owner.Http.GetAsync(letterPath + "/pdf")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var intruder = new PortalClient(factory);
        await intruder.SignInAsync(NewEmail());
        var unknownCase = "/zaak/" + Guid.NewGuid();
        foreach (var (guessed, unknown) in new[]
        {
            (casePath, unknownCase),
            (letterPath, unknownCase + "/brief/" + Guid.NewGuid()),
            (letterPath + "/pdf", unknownCase + "/brief/" + Guid.NewGuid() + "/pdf"),
            (noticePath, unknownCase + "/melding/" + Guid.NewGuid()),
            (casePath + "/dagboek", unknownCase + "/dagboek"),
            (casePath + "/stappen", unknownCase + "/stappen"),
            (casePath + "/dagboek/pdf", unknownCase + "/dagboek/pdf"),
            (casePath + "/dagboek/bijlage/" + Guid.NewGuid(), unknownCase + "/dagboek/bijlage/" + Guid.NewGuid()),
            (casePath + "/gegevens/json", unknownCase + "/gegevens/json"),
            (casePath + "/gegevens/pdf", unknownCase + "/gegevens/pdf"),
            (casePath + "/verwijderen", unknownCase + "/verwijderen"),
        })
        {
            var a = await intruder.Http.GetAsync(guessed);
            var b = await intruder.Http.GetAsync(unknown);
            a.StatusCode.ShouldBe(HttpStatusCode.NotFound, guessed);
            b.StatusCode.ShouldBe(HttpStatusCode.NotFound, unknown);
            var guessedHtml = await a.Content.ReadAsStringAsync();
            PortalPages.ShouldHaveTheSafetyParts(a, guessedHtml, guessed);
            PortalPages.Normalised(guessedHtml, guessed).ShouldBe(PortalPages.Normalised(await b.Content.ReadAsStringAsync(), unknown), guessed);
        }

        var cases = await intruder.GetHtmlAsync("/mijn-zaken");
        cases.ShouldNotContain(casePath);
        var approve = await intruder.PostFormAsync("/mijn-zaken", [new("shownSha256", "x")], letterPath);
        approve.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var approveNotice = await intruder.PostFormAsync("/mijn-zaken", [new("shownSha256", "x"), new("publicationWarningRead", "true")], noticePath);
        approveNotice.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var complaint = await intruder.PostFormAsync("/mijn-zaken", [new("reportId", noticePath[^36..]), new("Grounds", "x")], casePath + "?handler=complaint");
        complaint.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var diaryPost = await intruder.PostFormAsync("/mijn-zaken", [new("OccurredOn", "2026-03-01"), new("WhatHappened", "x")], casePath + "/dagboek");
        diaryPost.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var deletePost = await intruder.PostFormAsync("/mijn-zaken", [], casePath + "/verwijderen");
        var unknownDelete = await intruder.PostFormAsync("/mijn-zaken", [], unknownCase + "/verwijderen");
        deletePost.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknownDelete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        PortalPages.Normalised(await deletePost.Content.ReadAsStringAsync(), casePath + "/verwijderen")
            .ShouldBe(PortalPages.Normalised(await unknownDelete.Content.ReadAsStringAsync(), unknownCase + "/verwijderen"));
        (await owner.GetHtmlAsync(casePath + "/dagboek")).ShouldContain("Nog geen aantekeningen.");
        (await owner.GetHtmlAsync(casePath)).ShouldContain("Forum Voorbeeld B.V.", Case.Sensitive, "the intruder deleted nothing");
    }

    [Fact]
    public async Task Pages_of_a_case_need_a_signed_in_victim_and_send_strangers_to_sign_in_without_a_return_address()
    {
        var response = await factory.NewClient().GetAsync("/zaak/" + Guid.NewGuid());

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/");
    }

    [Fact]
    public async Task Integration_key_does_not_open_the_portal_and_a_victim_cookie_does_not_open_the_api()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        (await victim.Http.GetAsync("/api/v1/cases/" + Guid.NewGuid())).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Signed_in_victim_switches_language_and_signs_out_with_the_forms_of_a_case_page()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);

        var switched = await victim.PostFormAsync(casePath, [new("language", "en"), new("returnTo", casePath)], "/taal");
        var english = await victim.GetHtmlAsync(casePath);
        var signedOut = await victim.PostFormAsync(casePath, [], "/uitloggen");
        var done = await signedOut.Content.ReadAsStringAsync();

        switched.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        english.ShouldContain("<html lang=\"en\">");
        signedOut.StatusCode.ShouldBe(HttpStatusCode.OK);
        done.ShouldContain("You are signed out.");
        done.ShouldNotContain("href=\"/mijn-zaken\"", Case.Sensitive, "the page after signing out shows no signed-in menu");
        (await victim.Http.GetAsync(casePath)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_sessions_on_other_devices()
    {
        var email = NewEmail();
        var phone = new PortalClient(factory);
        var laptop = new PortalClient(factory);
        await phone.SignInAsync(email);
        await laptop.SignInAsync(email, 2);

        var signedOut = await phone.PostFormAsync("/uitloggen", [], "/uitloggen?handler=Everywhere");

        signedOut.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await laptop.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await phone.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Session_ends_after_twenty_idle_minutes()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        factory.Clock.Advance(TimeSpan.FromMinutes(21));

        (await victim.Http.GetAsync("/mijn-zaken")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Starting_a_takedown_puts_no_personal_data_in_the_address_or_title_and_records_the_victim_as_owner()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);

        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var html = await victim.GetHtmlAsync(casePath);

        casePath.ShouldMatch("^/zaak/[0-9a-f-]{36}$");
        Title().Match(html).Groups[1].Value.ShouldBe("Uw zaak - Takedown");
        html.ShouldContain("Verzoek om verwijdering aan Forum Voorbeeld B.V.");
        html.ShouldContain("Melding bij Sandbox");
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var owner = new NpgsqlCommand("SELECT owner FROM takedown.case_overview WHERE id = $1", connection)
        { Parameters = { new NpgsqlParameter { Value = Guid.Parse(casePath["/zaak/".Length..]) } } };
        ((string)(await owner.ExecuteScalarAsync())!).ShouldStartWith("victim:");
        factory.Logs.Lines.ShouldNotBeEmpty();
        factory.Logs.Lines.ShouldAllBe(line => !line.Contains(email, StringComparison.OrdinalIgnoreCase) && !line.Contains("Anna de Vries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_form_with_missing_fields_is_shown_again_with_the_reasons_and_stores_nothing()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());

        var response = await victim.PostFormAsync("/melden", [new("Name", ""), new("Urls", "not a url"), new("Erasure", "true"), new("Report", "false")]);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("Vul uw naam in.");
        html.ShouldContain("Vul minstens één volledig adres in");
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldContain("U hebt nog geen zaak.");
    }

    [Fact]
    public async Task Start_form_with_a_category_that_is_not_exactly_one_of_the_names_stores_nothing()
    {
        var victim = new PortalClient(factory);
        await victim.SignInAsync(NewEmail());
        KeyValuePair<string, string>[] fields =
        [
            new("Name", "Anna de Vries"), new("Email", "anna@slachtoffer.example"), new("What", "address"),
            new("Urls", "https://forum.example/t/123"), new("Erasure", "false"), new("Report", "true"), new("Platform", "Sandbox"),
            new("GoodFaith", "true"),
        ];

        foreach (var category in new[] { "2", "intimateimages", " IntimateImages", "IntimateImages,Doxing", "99", "" })
        {
            var response = await victim.PostFormAsync("/melden", [.. fields, new("Category", category)]);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"Category \"{category}\"");
            WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()).ShouldContain("Kies wat voor inhoud het is.");
        }
        var twice = await victim.PostFormAsync("/melden", [.. fields, new("Category", "Threats"), new("Category", "Doxing")]);

        twice.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await victim.GetHtmlAsync("/mijn-zaken")).ShouldContain("U hebt nog geen zaak.");
    }

    private async Task<string> DumpPortalTablesAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(string_agg(v::text, '|'), '') FROM (SELECT row_to_json(x)::text AS v FROM takedown.portal_victims x UNION ALL SELECT row_to_json(t)::text FROM takedown.portal_sign_in_tokens t) s",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/brief/[0-9a-f-]{36}")]
    private static partial Regex LetterLink();

    [GeneratedRegex(@"/zaak/[0-9a-f-]{36}/melding/[0-9a-f-]{36}")]
    private static partial Regex NoticeLink();

    [GeneratedRegex("<title>([^<]*)</title>")]
    private static partial Regex Title();
}
