using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static readonly Guid DossierLetterId = Guid.Parse("a9c00000-0000-4000-8000-0000000000d0");
    private const string DossierSha = "d0551e40";
    private const string AuthorisationSha = "a0740415";
    private static readonly DateOnly ConfirmedOn = new(2025, 4, 14);
    private static readonly DateTimeOffset RecordedAt = new(2025, 4, 16, 10, 0, 0, Summer);
    private static readonly DateOnly Today = new(2025, 4, 16);

    private static ApComplaintLodged Lodged =>
        new(ComplaintId, "AP-2025-123", RecordedAt, DossierSha, ConfirmedOn, ApLodger.Operator, LetterChannels.WebForm);

    private static ApDossierPrepared Dossier(string? authorisation = AuthorisationSha) =>
        new(ComplaintId, DossierLetterId, DossierSha, authorisation, T0.AddHours(3));

    private static LodgeApComplaint LodgeShown(string sha = DossierSha, string? authorisation = AuthorisationSha) =>
        new(ComplaintId, Lodged.ApReference, ConfirmedOn, ApLodger.Operator, LetterChannels.WebForm, EscalationMode.OperatorReview, Today, RecordedAt,
            sha, authorisation);

    private static LodgeApComplaint LodgedByVictim(EscalationMode mode = EscalationMode.OperatorReview) =>
        new(ComplaintId, "2025-045678", ConfirmedOn, ApLodger.Victim, LetterChannels.WebForm, mode, Today, RecordedAt);

    [Fact]
    public void Given_reviewed_complaint_with_its_authorised_dossier_When_an_operator_records_the_APs_reference_Then_lodged_and_GDPR_78_2_gives_the_AP_three_months_from_the_day_it_received_it()
    {
        When(Given(Prepared, Reviewed, Dossier()), LodgeShown()).ShouldBe([Lodged]);
        // Art. 78(2) runs from the AP's receipt (14 April), not from when it was recorded here (16 April).
        Given(Prepared, Reviewed, Dossier(), Lodged).ProgressDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 7, 14));
    }

    [Fact]
    public void Given_complaint_lodged_before_the_APs_day_was_recorded_When_its_clock_is_read_Then_GDPR_78_2_counts_from_the_day_it_was_recorded()
    {
        var old = new ApComplaintLodged(ComplaintId, "AP-2025-123", new DateTimeOffset(2025, 4, 14, 10, 0, 0, Summer), DossierSha);

        Given(Prepared, Reviewed, Dossier(), old).ProgressDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 7, 14));
    }

    [Fact]
    public void Given_prepared_complaint_When_the_victim_records_the_APs_confirmation_Then_lodged_without_review_dossier_or_authorisation_under_Awb_2_1_2()
    {
        // Awb art. 2:1(2) asks a written authorisation of a representative only: the complainant lodging in their own
        // name needs none, and needs no operator's review of their own complaint.
        When(Given(Prepared), LodgedByVictim())
            .ShouldBe([new ApComplaintLodged(ComplaintId, "2025-045678", RecordedAt, null, ConfirmedOn, ApLodger.Victim, LetterChannels.WebForm)]);
        When(Given(Prepared), LodgedByVictim() with { Channel = LetterChannels.Post }).Single().ShouldBeOfType<ApComplaintLodged>().Channel.ShouldBe(LetterChannels.Post);
    }

    [Fact]
    public void Given_prepared_complaint_in_automatic_mode_When_an_operator_lodges_it_Then_lodged_without_review_but_only_with_the_authorised_dossier()
    {
        var automatic = LodgeShown() with { Mode = EscalationMode.Automatic };

        When(Given(Prepared, Dossier()), automatic).ShouldBe([Lodged]);
        ThenRefused(Given(Prepared), automatic, "no dossier");
        ThenRefused(Given(Prepared, Dossier(authorisation: null)), automatic with { AuthorisationSha256 = null }, "not authorised");
    }

    [Fact]
    public void Given_prepared_complaint_When_recorded_without_the_APs_confirmation_or_reference_Then_refused_as_GDPR_77_needs_a_complaint_the_AP_registered()
    {
        ThenRefused(Given(Prepared), LodgedByVictim() with { ApReference = " " }, "confirmation or reference number");
        ThenRefused(Given(Prepared, Reviewed, Dossier()), LodgeShown() with { ApReference = "" }, "confirmation or reference number");
    }

    [Fact]
    public void Given_prepared_complaint_When_lodged_by_e_mail_Then_refused_as_the_AP_takes_complaints_by_form_or_post()
    {
        ThenRefused(Given(Prepared), LodgedByVictim() with { Channel = LetterChannels.Email }, "complaint form or by post");
    }

    [Fact]
    public void Given_prepared_complaint_When_the_APs_day_is_after_today_Then_refused()
    {
        Should.Throw<DomainRuleViolated>(() => When(Given(Prepared), LodgedByVictim() with { LodgedOn = Today.AddDays(1) }))
            .Code.ShouldBe(DomainRuleViolated.DateInFuture);
    }

    [Fact]
    public void Given_reviewed_complaint_without_a_dossier_When_an_operator_lodges_it_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed), LodgeShown(), "no dossier");
    }

    [Fact]
    public void Given_dossier_without_the_victims_authorisation_When_an_operator_lodges_it_Then_refused_under_Awb_2_1_2()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier(authorisation: null)), LodgeShown(authorisation: null), "not authorised");
    }

    [Fact]
    public void Given_dossier_made_before_the_victim_signed_or_revoked_When_lodged_Then_refused_until_it_is_made_again()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier(authorisation: null)), LodgeShown(), "prepare the dossier again");
        ThenRefused(Given(Prepared, Reviewed, Dossier()), LodgeShown(authorisation: null), "prepare the dossier again");
        Given(Prepared, Reviewed, Dossier()).DossierOutdated(null).ShouldBeTrue();
        Given(Prepared, Reviewed, Dossier()).DossierOutdated(AuthorisationSha).ShouldBeFalse();
        Given(Prepared, Reviewed).DossierOutdated(AuthorisationSha).ShouldBeTrue();
    }

    [Fact]
    public void Given_dossier_other_than_the_one_shown_When_lodged_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier()), LodgeShown("0ther"), "not the one shown");
    }

    [Fact]
    public void Given_dossier_made_before_the_text_was_edited_When_lodged_Then_refused_until_it_is_made_again()
    {
        var edited = new ApComplaintReviewed(ComplaintId, "operator-7", "Nog een andere tekst", T0.AddHours(4));
        var again = Dossier() with { LetterId = Guid.NewGuid(), ContentSha256 = "a9a1", PreparedAt = T0.AddHours(5) };

        ThenRefused(Given(Prepared, Reviewed, Dossier(), edited), LodgeShown(), "prepare the dossier again");
        When(Given(Prepared, Reviewed, Dossier(), edited, again), LodgeShown("a9a1")).Single().ShouldBeOfType<ApComplaintLodged>().DossierSha256.ShouldBe("a9a1");
    }

    [Fact]
    public void Given_complaint_When_its_dossier_is_recorded_twice_Then_once_and_never_after_lodging()
    {
        var record = new RecordApDossier(ComplaintId, DossierLetterId, DossierSha, AuthorisationSha, T0.AddHours(3));

        When(Given(Prepared), record).ShouldBe([Dossier()]);
        When(Given(Prepared, Dossier()), record).ShouldBeEmpty();
        ThenRefused(Given(Prepared, Reviewed, Dossier(), Lodged), record with { LetterId = Guid.NewGuid() }, "already been lodged");
    }

    [Fact]
    public void Given_prepared_complaint_under_operator_review_When_an_operator_lodges_it_Then_refused()
    {
        ThenRefused(Given(Prepared, Dossier()), LodgeShown(), "operator's review");
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_again_with_the_same_reference_Then_nothing_happens()
    {
        When(Given(Prepared, Reviewed, Dossier(), Lodged), LodgeShown() with { Now = RecordedAt.AddHours(1) }).ShouldBeEmpty();
        When(Given(Prepared, Reviewed, Dossier(), Lodged), LodgedByVictim() with { ApReference = " AP-2025-123 " }).ShouldBeEmpty();
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_a_second_time_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier(), Lodged), LodgeShown() with { ApReference = "AP-2025-999" }, "already been lodged");
    }
}
