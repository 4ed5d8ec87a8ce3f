using Takedown.Letters.Composing;

namespace Takedown.Letters.Tests;

public class LetterComposerTests
{
    public static TheoryData<string, int> EveryKindInBothLanguages()
    {
        var data = new TheoryData<string, int>();
        foreach (var language in new[] { "nl", "en" })
        {
            for (var i = 0; i < Samples.AllKinds(language).Count(); i++)
            {
                data.Add(language, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryKindInBothLanguages))]
    public void Every_letter_is_complete_deterministic_and_has_no_unfilled_placeholders(string language, int index)
    {
        var model = Samples.AllKinds(language).ElementAt(index);

        var letter = LetterComposer.Compose(model);
        var again = LetterComposer.Compose(model);

        letter.ShouldBe(again);
        letter.Kind.ShouldBe(model.Kind);
        letter.Language.ShouldBe(language);
        letter.ContentSha256.ShouldMatch("^[0-9a-f]{64}$");
        letter.HashMatches().ShouldBeTrue();
        foreach (var text in new[] { letter.Subject, letter.PlainText, letter.Html })
        {
            text.ShouldNotContain("{");
            text.ShouldNotContain("}");
            text.ShouldNotContain("  ");
        }
        letter.Subject.ShouldContain(model.CaseReference);
        letter.PlainText.ShouldContain(model.CaseReference);
        letter.PlainText.ShouldContain(model.Sender.Name);
        letter.Html.ShouldStartWith("<!DOCTYPE html>");
        letter.Html.ShouldContain($"<html lang=\"{language}\">");
    }

    [Theory]
    [InlineData("nl", "Datum: 3 maart 2026", "uiterlijk op 3 april 2026", "artikel 17", "artikel 12, derde lid, AVG", "Wij vragen u schriftelijk te bevestigen", "Namens Anna de Vries", "niet meer persoonsgegevens van betrokkene dan nodig")]
    [InlineData("en", "Date: 3 March 2026", "no later than 3 April 2026", "Article 17", "Article 12(3) GDPR", "Please confirm in writing", "On behalf of Anna de Vries", "no more of the data subject's personal data than is needed")]
    public void Erasure_request_cites_its_basis_lists_exactly_the_data_and_asks_for_written_confirmation(string language, params string[] required)
    {
        var model = Samples.Erasure(language);

        var letter = LetterComposer.Compose(model);

        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
        letter.PlainText.ShouldContain(language == "nl" ? Samples.Deadline.ExplanationNl : Samples.Deadline.ExplanationEn);
        foreach (var item in model.DataItems.Concat(model.Urls))
        {
            letter.PlainText.ShouldContain("- " + item + "\n");
            letter.Html.ShouldContain("<li>" + item + "</li>");
        }
        letter.PlainText.ShouldContain(Samples.ReplyAddress);
        letter.PlainText.ShouldContain(language == "nl" ? "artikel 16 van de digitaledienstenverordening" : "Article 16 of the Digital Services Act");
        letter.PlainText.ShouldContain("285d");
        letter.PlainText.ShouldContain(language == "nl" ? "artikel 17, tweede lid" : "Article 17(2)");
    }

    [Theory]
    [InlineData("nl")]
    [InlineData("en")]
    public void Erasure_request_claims_no_written_authorisation_the_case_does_not_hold(string language)
    {
        // The only text a victim signs covers the AP complaint (AuthorisationText): the letter says what is true, that the
        // request is made at the victim's request after its text was approved.
        var letter = LetterComposer.Compose(Samples.Erasure(language)).PlainText;

        letter.ShouldNotContain(language == "nl" ? "machtiging" : "authoris", Case.Insensitive);
        letter.ShouldContain(language == "nl" ? "op verzoek van betrokkene" : "at the data subject's request");
    }

    [Theory]
    [InlineData("nl", "specifieke situatie", "Die bewijslast ligt bij u", "artikel 18, eerste lid, onder d, AVG", "artikel 17, derde lid, onder a, AVG", "artikel 43 Uitvoeringswet AVG", "artikel 12, vierde lid, AVG", "artikel 19, laatste zin, AVG")]
    [InlineData("en", "particular situation", "That burden is yours", "Article 18(1)(d) GDPR", "Article 17(3)(a) GDPR", "Article 43 of the Dutch GDPR Implementation Act", "Article 12(4) GDPR", "Article 19, last sentence, GDPR")]
    public void Erasure_request_meets_the_usual_pushback_Art_21_1_burden_Art_18_1_d_restriction_Art_17_3_a_and_UAVG_43_Art_12_4_reasons_Art_19_recipients(
        string language, params string[] required)
    {
        var letter = LetterComposer.Compose(Samples.Erasure(language));

        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
    }

    // A delisting request to a search engine: GDPR Art. 17(1)(c) with Art. 21(1); CJEU C-131/12 Google Spain (a search on
    // the person's name; the role in public life), C-136/17 GC and Others (under the GDPR), C-507/17 Google (all EU
    // versions); EDPB Guidelines 5/2019.
    [Theory]
    [InlineData("nl", "zoekopdracht op de naam van betrokkene: \"Anna de Vries\"", "C-131/12, Google Spain", "C-136/17, GC e.a.", "Richtsnoeren 5/2019",
        "artikel 17, eerste lid, onder c, AVG", "artikel 21, eerste lid, AVG", "specifieke situatie", "Die bewijslast ligt bij u", "285d",
        "geen enkele rol in het openbare leven", "privépersoon", "alle versies en domeinnamen van uw zoekmachine die in de lidstaten van de Europese Unie",
        "C-507/17", "artikel 18, eerste lid, onder d, AVG", "artikel 12, vierde lid, AVG", "uiterlijk op 3 april 2026", "dat de resultaten zijn verwijderd",
        "De pagina's zelf vallen buiten dit verzoek")]
    [InlineData("en", "search made on the basis of the data subject's name: \"Anna de Vries\"", "C-131/12, Google Spain", "C-136/17, GC and Others",
        "Guidelines 5/2019", "Article 17(1)(c) GDPR", "Article 21(1) GDPR", "particular situation", "That burden is yours", "285d",
        "plays no role in public life", "private person", "all versions and domain names of your search engine used in the Member States of the European Union",
        "C-507/17", "Article 18(1)(d) GDPR", "Article 12(4) GDPR", "no later than 3 April 2026", "the results have been delisted",
        "This request does not concern the pages themselves")]
    public void Delisting_request_asks_a_search_engine_to_delist_the_results_on_the_name_under_Art_17_1_c_and_21_1_Google_Spain_GC_EDPB_5_2019(
        string language, params string[] required)
    {
        var model = Samples.Delisting(language);

        var letter = LetterComposer.Compose(model);

        letter.Kind.ShouldBe(LetterKind.ErasureRequest);
        letter.Subject.ShouldContain(language == "nl" ? "zoekresultaten" : "delist search results");
        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
        letter.PlainText.ShouldContain(language == "nl" ? Samples.Deadline.ExplanationNl : Samples.Deadline.ExplanationEn);
        foreach (var item in model.Urls.Concat(model.DataItems))
        {
            letter.PlainText.ShouldContain("- " + item + "\n");
            letter.Html.ShouldContain("<li>" + item + "</li>");
        }
        letter.PlainText.ShouldContain(Samples.ReplyAddress);
        // A search engine is not a hosting service and does not publish the pages: no DSA notice, no Art. 17(2) or 19 request.
        letter.PlainText.ShouldNotContain(language == "nl" ? "digitaledienstenverordening" : "Digital Services Act");
        letter.PlainText.ShouldNotContain(language == "nl" ? "artikel 17, tweede lid" : "Article 17(2)");
    }

    [Theory]
    [InlineData("nl")]
    [InlineData("en")]
    public void Delisting_request_differs_from_the_erasure_request_and_leaves_it_unchanged(string language)
    {
        var erasure = LetterComposer.Compose(Samples.Erasure(language));
        var delisting = LetterComposer.Compose(Samples.Erasure(language) with { Delisting = true });

        delisting.ContentSha256.ShouldNotBe(erasure.ContentSha256);
        erasure.PlainText.ShouldNotContain("C-131/12");
        LetterComposer.Compose(Samples.Erasure(language) with { Delisting = false }).ShouldBe(erasure);
    }

    [Fact]
    public void Dutch_letters_write_dates_the_Dutch_way_and_English_letters_the_English_way()
    {
        var dutch = LetterComposer.Compose(Samples.Erasure("nl")).PlainText;
        var english = LetterComposer.Compose(Samples.Erasure("en")).PlainText;

        dutch.ShouldContain("3 maart 2026");
        dutch.ShouldNotContain("March");
        dutch.ShouldNotContain("2026-03-03");
        dutch.ShouldNotContain("03-03-2026");
        english.ShouldContain("3 March 2026");
        english.ShouldNotContain("maart");
        LetterDates.Format(new DateOnly(2026, 12, 31), "nl").ShouldBe("31 december 2026");
        LetterDates.Format(new DateOnly(2026, 5, 1), "en").ShouldBe("1 May 2026");
    }

    [Theory]
    [InlineData("nl", "Herinnering:", "Termijn verstreken:", "artikel 77 AVG")]
    [InlineData("en", "Reminder:", "Deadline passed:", "Article 77 GDPR")]
    public void Reminder_before_the_deadline_reminds_and_after_it_announces_the_complaint(string language, string before, string after, string complaint)
    {
        var early = LetterComposer.Compose(Samples.Reminder(language, new DateOnly(2026, 3, 27)));
        var late = LetterComposer.Compose(Samples.Reminder(language, new DateOnly(2026, 4, 6)));

        early.Subject.ShouldStartWith(before);
        early.PlainText.ShouldNotContain(complaint);
        late.Subject.ShouldStartWith(after);
        late.PlainText.ShouldContain(complaint);
        foreach (var text in new[] { early.PlainText, late.PlainText })
        {
            text.ShouldContain(language == "nl" ? "3 april 2026" : "3 April 2026");
            foreach (var item in Samples.DataItems.Concat(Samples.Urls))
            {
                text.ShouldContain(item);
            }
        }
    }

    [Theory]
    [InlineData("nl", "Machtiging", "Verloop van het verzoek", "artikel 77")]
    [InlineData("en", "Authorisation", "History of the request", "Article 77")]
    public void AP_dossier_holds_the_complaint_the_full_history_and_the_authorisation_when_an_operator_lodges_it(string language, string authorisationHeading, string historyHeading, string article)
    {
        var model = Samples.ApComplaint(language);

        var letter = LetterComposer.Compose(model);
        var byVictim = LetterComposer.Compose(Samples.ApComplaint(language, byOperator: false));

        letter.PlainText.ShouldContain(article);
        letter.PlainText.ShouldContain(historyHeading);
        letter.PlainText.ShouldContain("De gegevens staan nog steeds online.");
        foreach (var line in model.History)
        {
            letter.PlainText.ShouldContain(line.Description);
            if (line.Proof is not null)
            {
                letter.PlainText.ShouldContain(line.Proof);
            }
        }
        letter.PlainText.ShouldContain(authorisationHeading + "\n");
        letter.PlainText.ShouldContain("machtig Takedown om namens mij");
        letter.Html.ShouldContain("Ondertekend op 1 april 2026.");
        byVictim.PlainText.ShouldNotContain(authorisationHeading + "\n");
        byVictim.PlainText.ShouldNotContain("machtig Takedown");
    }

    [Theory]
    [InlineData("nl", "AANGETEKEND", false)]
    [InlineData("en", "BY REGISTERED POST", false)]
    [InlineData("nl", "AANGETEKEND", true)]
    [InlineData("en", "BY REGISTERED POST", true)]
    public void Erasure_request_for_the_post_opens_with_the_registered_post_line_above_the_controllers_address(string language, string line, bool delisting)
    {
        var byPost = LetterComposer.Compose(Samples.Erasure(language) with { RegisteredPost = true, Delisting = delisting });
        var byEmail = LetterComposer.Compose(Samples.Erasure(language) with { Delisting = delisting });

        byPost.PlainText.ShouldStartWith(line + "\n");
        byPost.PlainText.IndexOf(line, StringComparison.Ordinal).ShouldBeLessThan(byPost.PlainText.IndexOf("Postbus 123", StringComparison.Ordinal));
        byPost.Html.ShouldContain(line);
        byEmail.PlainText.ShouldNotContain(line);
        byPost.ContentSha256.ShouldNotBe(byEmail.ContentSha256);
    }

    [Fact]
    public void Erasure_request_for_registered_post_without_a_postal_address_is_refused()
    {
        var model = Samples.Erasure("nl") with { RegisteredPost = true, Recipient = new("Voorbeeld Forum B.V.", null, [], "nl") };

        Should.Throw<ArgumentException>(() => LetterComposer.Compose(model)).Message.ShouldContain("registered post");
    }

    [Theory]
    [InlineData("nl", "AANGETEKEND", "artikel 285b", "artikel 285d", "6:162", "uitsluitend aan Takedown")]
    [InlineData("en", "BY REGISTERED POST", "Article 285b", "Article 285d", "6:162", "only to Takedown")]
    public void Cease_and_desist_is_for_registered_post_and_names_the_conduct_and_the_offences(string language, params string[] required)
    {
        var model = Samples.CeaseAndDesist(language);

        var letter = LetterComposer.Compose(model);

        letter.PlainText.ShouldStartWith(required[0] + "\n");
        foreach (var phrase in required.Concat(model.Conduct).Concat(model.PublishedUrls))
        {
            letter.PlainText.ShouldContain(phrase);
        }
        letter.PlainText.ShouldContain("Dorpsweg 5");
        letter.PlainText.ShouldContain(language == "nl" ? "uiterlijk op 3 april 2026" : "no later than 3 April 2026");
    }

    [Theory]
    [InlineData("nl", "onmiddellijk te verwijderen, en in elk geval uiterlijk op", "per gewone post")]
    [InlineData("en", "remove this data immediately, and in any case no later than", "by ordinary post")]
    public void Cease_and_desist_demands_removal_at_once_with_the_date_as_outer_limit_and_goes_by_ordinary_post_too_BW_3_37(
        string language, string atOnce, string ordinaryPost)
    {
        var letter = LetterComposer.Compose(Samples.CeaseAndDesist(language));

        letter.PlainText.ShouldContain(atOnce);
        letter.PlainText.ShouldContain(ordinaryPost);
    }

    [Fact]
    public void Cease_and_desist_without_a_postal_address_is_refused()
    {
        var model = Samples.CeaseAndDesist("nl") with { Recipient = new("Jan Jansen", null, [], "nl") };

        Should.Throw<ArgumentException>(() => LetterComposer.Compose(model)).Message.ShouldContain("registered post");
    }

    [Theory]
    [InlineData("nl")]
    [InlineData("en")]
    public void Victim_notices_name_the_controller_and_leave_out_the_data_and_links(string language)
    {
        var sent = LetterComposer.Compose(Samples.NoticeSent(language));
        var answered = LetterComposer.Compose(Samples.NoticeAnswered(language));
        var missed = LetterComposer.Compose(Samples.NoticeDeadlineMissed(language));
        var reminder = LetterComposer.Compose(Samples.NoticeReminderWaiting(language));

        sent.PlainText.ShouldContain(language == "nl" ? "uiterlijk op 3 april 2026" : "no later than 3 April 2026");
        answered.PlainText.ShouldContain(language == "nl" ? "De gegevens zijn verwijderd." : "The data has been erased.");
        missed.PlainText.ShouldContain(language == "nl" ? "artikel 77 AVG" : "Article 77 GDPR");
        reminder.PlainText.ShouldContain(language == "nl" ? "keur hem goed; pas daarna versturen wij hem" : "approve it; only then do we send it");
        reminder.PlainText.ShouldContain(language == "nl" ? "uiterlijk op 3 april 2026" : "no later than 3 April 2026");
        foreach (var letter in new[] { sent, answered, missed, reminder })
        {
            letter.Subject.ShouldContain("Voorbeeld Forum B.V.");
            letter.PlainText.ShouldNotContain("https://forum.example");
            letter.PlainText.ShouldContain(language == "nl" ? "Beste Anna," : "Dear Anna,");
        }
    }

    [Theory]
    [InlineData("nl", "artikel 16, tweede lid, onder a", "artikel 16, tweede lid, onder b", "artikel 16, tweede lid, onder c", "artikel 16, tweede lid, onder d", "te goeder trouw", "285d", "artikel 16, vierde lid")]
    [InlineData("en", "Article 16(2)(a)", "Article 16(2)(b)", "Article 16(2)(c)", "Article 16(2)(d)", "bona fide belief", "285d", "Article 16(4)")]
    public void Platform_notice_holds_the_four_elements_of_Article_16_2_exactly_as_given(string language, params string[] required)
    {
        var model = Samples.PlatformNotice(language);

        var letter = LetterComposer.Compose(model);

        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
        letter.PlainText.ShouldContain(model.Explanation);
        foreach (var url in model.Urls)
        {
            letter.PlainText.ShouldContain("- " + url + "\n");
        }
        letter.PlainText.ShouldContain(model.NotifierName);
        letter.PlainText.ShouldContain(model.NotifierEmail);
        letter.PlainText.ShouldContain(Samples.ReplyAddress);
        letter.Subject.ShouldContain(language == "nl" ? "art. 16 DSA" : "Art. 16 DSA");
        // Nothing the victim did not approve: none of the erasure letter's data items travels with a notice.
        letter.PlainText.ShouldNotContain(Samples.DataItems[0]);
        // The notifier is owed the decision and the redress (Art. 16(5)); the Art. 17 statement goes to the uploader.
        letter.PlainText.ShouldNotContain(language == "nl" ? "artikel 17 DSA" : "Article 17 DSA");
        letter.PlainText.ShouldNotContain(language == "nl" ? "artikel 18" : "Article 18", Case.Sensitive, "only a notice about threats asks for the police");
    }

    [Theory]
    [InlineData("nl", "artikel 18, eerste lid, DSA", "politie")]
    [InlineData("en", "Article 18(1) DSA", "law enforcement")]
    public void Platform_notice_about_threats_asks_the_platform_to_inform_the_police_under_DSA_Art_18(string language, params string[] required)
    {
        var letter = LetterComposer.Compose(Samples.PlatformNotice(language) with { Category = "Threats" });

        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
    }

    [Theory]
    [InlineData("nl", "artikel 20 DSA", "2 maart 2026", "9 maart 2026", "tijdig, niet-discriminerend, zorgvuldig en niet-willekeurig", "artikel 21 DSA", "artikel 20, zesde lid",
        "geen micro- of kleine onderneming is (artikel 19 DSA)", "artikel 16, vijfde lid, DSA")]
    [InlineData("en", "Article 20 DSA", "2 March 2026", "9 March 2026", "timely, non-discriminatory, diligent and non-arbitrary", "Article 21 DSA", "Article 20(6)",
        "not a micro or small enterprise (Article 19 DSA)", "Article 16(5) DSA")]
    public void Platform_complaint_names_the_notice_the_decision_and_the_urls_and_carries_the_grounds_as_written(string language, params string[] required)
    {
        var model = Samples.PlatformComplaint(language);

        var letter = LetterComposer.Compose(model);

        foreach (var phrase in required)
        {
            letter.PlainText.ShouldContain(phrase);
        }
        letter.PlainText.ShouldContain(model.Grounds);
        foreach (var url in model.Urls)
        {
            letter.PlainText.ShouldContain("- " + url + "\n");
        }
        letter.PlainText.ShouldContain(Samples.ReplyAddress);
        letter.PlainText.ShouldContain(model.CaseReference);
        letter.Subject.ShouldContain(language == "nl" ? "art. 20 DSA" : "Art. 20 DSA");
        letter.PlainText.ShouldNotContain(Samples.DataItems[0]);
    }

    [Fact]
    public void Html_escapes_every_input()
    {
        const string hostile = "<script>alert('x')</script> & \"Co\"";
        var model = Samples.Erasure("en") with
        {
            DataSubjectName = hostile,
            CaseReference = "<b>ref</b>",
            Urls = ["https://forum.example/?a=1&b=<img src=x onerror=alert(1)>"],
        };

        var letter = LetterComposer.Compose(model);

        letter.Html.ShouldNotContain("<script>");
        letter.Html.ShouldNotContain("<b>ref");
        letter.Html.ShouldNotContain("<img");
        letter.Html.ShouldContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;");
        letter.Html.ShouldContain("a=1&amp;b=&lt;img src=x onerror=alert(1)&gt;");
        letter.PlainText.ShouldContain(hostile);
    }

    [Fact]
    public void A_changed_word_changes_the_hash()
    {
        var original = LetterComposer.Compose(Samples.Erasure("nl"));
        var changed = LetterComposer.Compose(Samples.Erasure("nl") with { Urls = [.. Samples.Urls, "https://other.example/"] });

        changed.ContentSha256.ShouldNotBe(original.ContentSha256);
        (original with { PlainText = original.PlainText.Replace("wissen", "bewaren", StringComparison.Ordinal) }).HashMatches().ShouldBeFalse();
    }

    [Theory]
    [InlineData("de")]
    [InlineData("")]
    public void Unknown_language_is_refused(string language)
    {
        var model = Samples.Erasure("nl") with { Recipient = Samples.Controller(language) };

        Should.Throw<ArgumentException>(() => LetterComposer.Compose(model));
    }

    [Fact]
    public void Erasure_request_without_URLs_is_refused()
    {
        Should.Throw<ArgumentException>(() => LetterComposer.Compose(Samples.Erasure("nl") with { Urls = [] }));
    }
}
