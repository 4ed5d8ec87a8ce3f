using Takedown.Domain.Cases;
using Case = Takedown.Domain.Cases.Case;

namespace Takedown.Domain.Tests.Cases;

public partial class CaseTests
{
    private const string AuthorisationText = "Ik, Anna de Vries, machtig Takedown om namens mij een klacht in te dienen bij de Autoriteit Persoonsgegevens.";

    private static readonly string AuthorisationSha = Case.AuthorisationSha256(AuthorisationText);

    private static VictimDetailsRecorded Details => new(CaseId, "Anna de Vries", "anna@mail.example", T0);

    [Fact]
    public void Given_case_with_victim_When_victim_signs_the_text_shown_Then_authorisation_granted_with_the_text_and_its_hash()
    {
        var events = When(Given(Opened, Details), new GrantAuthorisation(CaseId, AuthorisationText, AuthorisationSha, " anna de vries ", T0.AddDays(1)));

        events.ShouldBe([new AuthorisationGranted(CaseId, AuthorisationText, AuthorisationSha, "anna de vries", T0.AddDays(1))]);
        Given([Opened, Details, .. events]).Authorisation!.TextSha256.ShouldBe(AuthorisationSha);
        AuthorisationSha.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Given_authorised_case_When_the_same_text_is_signed_again_Then_nothing_happens()
    {
        var granted = new AuthorisationGranted(CaseId, AuthorisationText, AuthorisationSha, "Anna de Vries", T0);

        When(Given(Opened, Details, granted), new GrantAuthorisation(CaseId, AuthorisationText, AuthorisationSha, "Anna de Vries", T0.AddDays(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_case_When_a_text_other_than_the_one_shown_is_signed_Then_refused()
    {
        ThenRefused(Given(Opened, Details), new GrantAuthorisation(CaseId, AuthorisationText + " En meer.", AuthorisationSha, "Anna de Vries", T0), "not the one shown");
        // The portal branches on the code, not on the wording.
        Should.Throw<DomainRuleViolated>(() => When(Given(Opened, Details), new GrantAuthorisation(CaseId, AuthorisationText + " En meer.", AuthorisationSha, "Anna de Vries", T0)))
            .Code.ShouldBe(DomainRuleViolated.TextChanged);
    }

    [Fact]
    public void Given_case_When_signed_with_another_name_Then_refused()
    {
        ThenRefused(Given(Opened, Details), new GrantAuthorisation(CaseId, AuthorisationText, AuthorisationSha, "Jan Jansen", T0), "exactly as it is on the case");
        Should.Throw<DomainRuleViolated>(() => When(Given(Opened, Details), new GrantAuthorisation(CaseId, AuthorisationText, AuthorisationSha, "Jan Jansen", T0)))
            .Code.ShouldBe(DomainRuleViolated.NameMismatch);
    }

    [Fact]
    public void Given_closed_case_When_authorised_Then_refused()
    {
        ThenRefused(Given(Opened, Details, new CaseClosed(CaseId, T0)), new GrantAuthorisation(CaseId, AuthorisationText, AuthorisationSha, "Anna de Vries", T0), "closed");
    }

    [Fact]
    public void Given_authorised_case_When_revoked_Then_revoked_and_a_second_revocation_adds_nothing()
    {
        var granted = new AuthorisationGranted(CaseId, AuthorisationText, AuthorisationSha, "Anna de Vries", T0);

        var revoked = When(Given(Opened, Details, granted), new RevokeAuthorisation(CaseId, T0.AddDays(2)));

        revoked.ShouldBe([new AuthorisationRevoked(CaseId, AuthorisationSha, T0.AddDays(2))]);
        Given([Opened, Details, granted, .. revoked]).Authorisation.ShouldBeNull();
        When(Given([Opened, Details, granted, .. revoked]), new RevokeAuthorisation(CaseId, T0.AddDays(3))).ShouldBeEmpty();
    }
}
