using Takedown.Letters.Composing;

namespace Takedown.Letters.Tests;

/// <summary>
/// The letters that follow a delisting request (GDPR Art. 17 to a search engine; CJEU C-131/12 Google Spain, C-136/17 GC
/// and Others; EDPB Guidelines 5/2019) speak of delisting, not of erasing the data; the erasure wording is unchanged.
/// </summary>
public class DelistingWordingTests
{
    [Theory]
    [InlineData("nl", "verzoek om verwijdering uit zoekresultaten", "bij zoekopdrachten op de naam van betrokkene", "De zoekresultaten (URL's):", "dat de zoekresultaten zijn verwijderd", "C-131/12", "C-136/17")]
    [InlineData("en", "request to delist search results", "for searches on the data subject's name", "The search results (URLs):", "the results have been delisted", "C-131/12", "C-136/17")]
    public void Reminder_of_a_delisting_request_asks_the_search_engine_to_delist_under_Art_17_and_Google_Spain(string language, params string[] required)
    {
        var erasure = LetterComposer.Compose(Samples.Reminder(language, Samples.LetterDate));
        var reminder = LetterComposer.Compose(Samples.Reminder(language, Samples.LetterDate) with { Delisting = true });

        reminder.Subject.ShouldContain(required[0]);
        foreach (var phrase in required[1..])
        {
            reminder.PlainText.ShouldContain(phrase);
        }
        reminder.PlainText.ShouldNotContain(language == "nl" ? "persoonsgegevens te wissen" : "to erase the personal data");
        erasure.PlainText.ShouldNotContain("C-131/12");
        erasure.Subject.ShouldContain(language == "nl" ? "gegevenswissing" : "request for erasure");
    }

    [Theory]
    [InlineData("nl", "Wij verzoeken u de zoekresultaten alsnog onverwijld te verwijderen.")]
    [InlineData("en", "We ask you to delist the results without further delay.")]
    public void Reminder_after_the_deadline_of_a_delisting_request_asks_to_delist_at_once(string language, string phrase)
    {
        var late = Samples.Reminder(language, Samples.Deadline.DueDate.AddDays(2)) with { Delisting = true };

        var letter = LetterComposer.Compose(late);

        letter.Subject.ShouldStartWith(language == "nl" ? "Termijn verstreken: verzoek om verwijdering uit zoekresultaten" : "Deadline passed: request to delist search results");
        letter.PlainText.ShouldContain(phrase);
    }

    [Theory]
    [InlineData("nl", "uw verzoek om verwijdering uit zoekresultaten")]
    [InlineData("en", "your request to delist search results")]
    public void Deadline_missed_notice_of_a_delisting_request_names_the_delisting_request(string language, string phrase)
    {
        LetterComposer.Compose(Samples.NoticeDeadlineMissed(language) with { Delisting = true }).PlainText.ShouldContain(phrase);
        LetterComposer.Compose(Samples.NoticeDeadlineMissed(language)).PlainText.ShouldNotContain(phrase);
    }

    [Fact]
    public void AP_dossier_of_a_delisting_request_tells_the_AP_it_was_a_delisting_request_under_C_131_12_C_136_17_and_EDPB_5_2019()
    {
        var dossier = LetterComposer.Compose(Samples.ApComplaint("nl") with { Delisting = true });
        var erasure = LetterComposer.Compose(Samples.ApComplaint("nl"));

        foreach (var phrase in new[] { "Persoonsgegevens en zoekresultaten", "is een zoekmachine", "C-131/12, Google Spain", "C-136/17, GC e.a.", "EDPB-richtsnoeren 5/2019",
                     "het verzoek om verwijdering uit zoekresultaten (artikel 17 AVG)" })
        {
            dossier.PlainText.ShouldContain(phrase);
        }
        erasure.PlainText.ShouldContain("het verzoek om wissing (artikel 17 AVG)");
        erasure.PlainText.ShouldNotContain("C-131/12");
    }
}
