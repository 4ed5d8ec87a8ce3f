using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static DraftErasureRequest Draft(string country = "NL", string email = "privacy@people-search.example", IReadOnlyList<string>? data = null) =>
        new(RequestId, CaseId, "People Search B.V.", email, country, data ?? PersonalData, Urls, T0);

    [Fact]
    public void Given_nothing_When_drafted_Then_drafted_for_the_case()
    {
        When(Given(), Draft()).ShouldBe([Drafted]);
    }

    [Fact]
    public void Given_nothing_When_drafted_for_an_Irish_controller_Then_drafted_with_its_country()
    {
        var events = When(Given(), Draft(country: "ie"));

        events.Single().ShouldBeOfType<ErasureRequestDrafted>().ControllerCountry.ShouldBe("IE");
        Given(events).ControllerCountry.ShouldBe("IE");
    }

    [Fact]
    public void Given_nothing_When_drafted_without_a_language_Then_a_Dutch_controller_gets_Dutch_and_any_other_English()
    {
        Given(When(Given(), Draft(country: "NL"))).ControllerLanguage.ShouldBe("nl");
        Given(When(Given(), Draft(country: "IE"))).ControllerLanguage.ShouldBe("en");
    }

    [Fact]
    public void Given_nothing_When_drafted_in_English_for_a_Dutch_controller_Then_its_letters_are_English()
    {
        var events = When(Given(), Draft() with { ControllerLanguage = "en" });

        events.Single().ShouldBeOfType<ErasureRequestDrafted>().ControllerLanguage.ShouldBe("en");
        Given(events).ControllerLanguage.ShouldBe("en");
    }

    [Fact]
    public void Given_a_draft_stored_before_languages_were_chosen_Then_it_reads_as_its_country_default()
    {
        Given(Drafted with { ControllerCountry = "IE", ControllerLanguage = null }).ControllerLanguage.ShouldBe("en");
    }

    [Fact]
    public void Given_nothing_When_drafted_in_another_language_Then_refused()
    {
        ThenRefused(Given(), Draft() with { ControllerLanguage = "de" }, "'nl' or 'en'");
    }

    [Fact]
    public void Given_drafted_request_When_drafted_again_Then_nothing_happens()
    {
        When(Given(Drafted), Draft()).ShouldBeEmpty();
    }

    [Fact]
    public void Given_drafted_request_When_another_request_drafted_on_its_stream_Then_refused()
    {
        ThenRefused(Given(Drafted), Draft() with { RequestId = Guid.NewGuid() }, "already been drafted");
    }

    [Fact]
    public void Given_nothing_When_drafted_without_personal_data_Then_refused()
    {
        ThenRefused(Given(), Draft(data: []), "which personal data");
    }

    [Fact]
    public void Given_nothing_When_drafted_without_controller_email_Then_refused()
    {
        ThenRefused(Given(), Draft(email: "not an address"), "e-mail");
    }

    [Fact]
    public void Given_nothing_When_drafted_for_a_country_without_calendar_Then_refused()
    {
        ThenRefused(Given(), Draft(country: "DE"), "'DE'");
    }

    [Fact]
    public void Given_nothing_When_anything_but_a_draft_Then_refused()
    {
        ThenRefused(Given(), new ApproveErasureRequest(RequestId, T0), "draft it first");
    }
}
