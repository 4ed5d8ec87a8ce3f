using Takedown.Domain.ApComplaints;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static ApComplaintAddressShieldingChosen Shielded => new(ComplaintId, true, T0.AddHours(5));

    [Fact]
    public void Given_prepared_complaint_When_the_victim_asks_to_keep_the_address_from_the_controller_Then_the_text_for_the_AP_asks_it_and_the_dossier_is_out_of_date()
    {
        // The AP may use a complainant's details towards the organisation (GDPR Art. 77 complaints are handled with the
        // controller): a controller close to the harasser must not learn the address from it.
        When(Given(Prepared, Dossier()), new ChooseAddressShielding(ComplaintId, true, T0.AddHours(5))).ShouldBe([Shielded]);

        var shielded = Given(Prepared, Dossier(), Shielded);
        shielded.TextForAp.ShouldStartWith("Klacht over People Search B.V.");
        shielded.TextForAp.ShouldEndWith(ApComplaint.AddressShieldingRequestNl);
        shielded.DossierOutdated(AuthorisationSha).ShouldBeTrue();
        Given(Prepared, Dossier()).TextForAp.ShouldBe("Klacht over People Search B.V.");
    }

    [Fact]
    public void Given_shielding_chosen_When_chosen_again_Then_nothing_happens_and_when_withdrawn_Then_recorded()
    {
        When(Given(Prepared, Shielded), new ChooseAddressShielding(ComplaintId, true, T0.AddHours(6))).ShouldBeEmpty();
        When(Given(Prepared, Shielded), new ChooseAddressShielding(ComplaintId, false, T0.AddHours(6)))
            .ShouldBe([new ApComplaintAddressShieldingChosen(ComplaintId, false, T0.AddHours(6))]);
        When(Given(Prepared), new ChooseAddressShielding(ComplaintId, false, T0.AddHours(6))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_lodged_complaint_When_the_choice_changes_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier(), Lodged), new ChooseAddressShielding(ComplaintId, true, T0.AddDays(9)), "can no longer change");
    }
}
