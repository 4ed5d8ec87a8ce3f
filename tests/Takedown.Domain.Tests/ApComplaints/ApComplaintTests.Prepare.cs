using Takedown.Domain.ApComplaints;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    [Fact]
    public void Given_missed_erasure_request_When_complaint_prepared_Then_prepared_with_the_history_as_evidence()
    {
        var events = When(Given(), new PrepareApComplaint(ComplaintId, MissedRequest, Evidence, Prepared.Text, T0));

        var prepared = events.Single().ShouldBeOfType<ApComplaintPrepared>();
        prepared.ErasureRequestId.ShouldBe(RequestId);
        prepared.CaseId.ShouldBe(CaseId);
        prepared.Evidence.ShouldBe(Evidence);
    }

    [Fact]
    public void Evidence_lists_each_step_of_the_request_with_its_date_and_the_deadline()
    {
        Evidence.ShouldBe([
            "vrijdag 7 maart 2025: verzoek tot verwijdering (AVG art. 17) opgesteld aan People Search B.V. (privacy@people-search.example), over: home address.",
            "vrijdag 7 maart 2025: verzoek goedgekeurd door de betrokkene.",
            "maandag 10 maart 2025: verzoek verzonden; ontvangen op maandag 10 maart 2025.",
            "donderdag 10 april 2025: de termijn verstreek op donderdag 10 april 2025 zonder antwoord.",
            "Termijn: " + Engine.GdprAnswer(new(2025, 3, 10), false, [], "NL").Explanation.Nl,
        ]);
    }

    [Fact]
    public void Given_refused_erasure_request_When_complaint_prepared_Then_prepared()
    {
        var refused = ErasureRequest.Evolve(MissedRequest with { Status = ErasureRequestStatus.Sent },
            new ErasureRequestAnswered(RequestId, ErasureOutcome.Refused, "", T0));

        When(Given(), new PrepareApComplaint(ComplaintId, refused, Evidence, "text", T0)).Length.ShouldBe(1);
    }

    [Fact]
    public void Given_request_still_within_its_deadline_When_complaint_prepared_Then_refused()
    {
        var sent = MissedRequest with { Status = ErasureRequestStatus.Sent };

        ThenRefused(Given(), new PrepareApComplaint(ComplaintId, sent, Evidence, "text", T0), "deadline was missed or that was refused");
    }

    [Fact]
    public void Given_missed_request_When_complaint_prepared_without_evidence_Then_refused()
    {
        ThenRefused(Given(), new PrepareApComplaint(ComplaintId, MissedRequest, [], "text", T0), "evidence");
    }

    [Fact]
    public void Given_prepared_complaint_When_prepared_again_Then_nothing_happens()
    {
        When(Given(Prepared), new PrepareApComplaint(ComplaintId, MissedRequest, Evidence, "text", T0.AddMinutes(1))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_nothing_When_anything_but_prepare_Then_refused()
    {
        ThenRefused(Given(), new LodgeApComplaint(ComplaintId, "AP-1", new DateOnly(2025, 4, 11), ApLodger.Victim, Takedown.Domain.Letters.LetterChannels.WebForm, Takedown.Domain.Cases.EscalationMode.Automatic, new DateOnly(2025, 4, 11), T0), "prepare it first");
    }
}
