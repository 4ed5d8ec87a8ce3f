using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    private static readonly Guid DossierLetterId = Guid.Parse("a9c00000-0000-4000-8000-0000000000d0");
    private const string DossierSha = "d0551e40";
    private const string AuthorisationSha = "a0740415";

    private static ApComplaintLodged Lodged => new(ComplaintId, "AP-2025-123", new(2025, 4, 14, 10, 0, 0, Summer), DossierSha);

    private static ApDossierPrepared Dossier(string? authorisation = AuthorisationSha) =>
        new(ComplaintId, DossierLetterId, DossierSha, authorisation, T0.AddHours(3));

    private static LodgeApComplaint LodgeShown(string sha = DossierSha, string? authorisation = AuthorisationSha) =>
        new(ComplaintId, Lodged.ApReference, EscalationMode.OperatorReview, Lodged.LodgedAt, sha, authorisation);

    [Fact]
    public void Given_reviewed_complaint_with_its_authorised_dossier_When_lodged_Then_lodged_with_the_dossier_and_the_AP_has_three_months_to_report_progress()
    {
        When(Given(Prepared, Reviewed, Dossier()), LodgeShown()).ShouldBe([Lodged]);
        Given(Prepared, Reviewed, Dossier(), Lodged).ProgressDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 7, 14));
    }

    [Fact]
    public void Given_prepared_complaint_in_automatic_mode_When_lodged_Then_lodged_without_review()
    {
        When(Given(Prepared), new LodgeApComplaint(ComplaintId, Lodged.ApReference, EscalationMode.Automatic, Lodged.LodgedAt, DossierSha)).ShouldBe([Lodged]);
    }

    [Fact]
    public void Given_reviewed_complaint_without_a_dossier_When_an_operator_lodges_it_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed), LodgeShown(), "no dossier");
    }

    [Fact]
    public void Given_dossier_without_the_victims_authorisation_When_an_operator_lodges_it_Then_refused()
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
    public void Given_prepared_complaint_under_operator_review_When_lodged_Then_refused()
    {
        ThenRefused(Given(Prepared), new LodgeApComplaint(ComplaintId, "AP-2025-123", EscalationMode.OperatorReview, Lodged.LodgedAt), "operator's review");
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_again_with_the_same_reference_Then_nothing_happens()
    {
        When(Given(Prepared, Reviewed, Dossier(), Lodged), LodgeShown() with { Now = Lodged.LodgedAt.AddHours(1) }).ShouldBeEmpty();
    }

    [Fact]
    public void Given_lodged_complaint_When_lodged_a_second_time_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier(), Lodged), LodgeShown() with { ApReference = "AP-2025-999" }, "already been lodged");
    }

    [Fact]
    public void Given_reviewed_complaint_When_lodged_without_reference_Then_refused()
    {
        ThenRefused(Given(Prepared, Reviewed, Dossier()), LodgeShown() with { ApReference = "" }, "reference number");
    }
}
