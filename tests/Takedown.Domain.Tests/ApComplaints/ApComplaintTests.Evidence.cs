using Takedown.Domain.ApComplaints;
using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ApComplaints;

public partial class ApComplaintTests
{
    [Fact]
    public void Given_a_delisting_request_When_its_evidence_is_listed_Then_it_is_called_a_request_to_delist_search_results_under_GDPR_17_and_C_131_12()
    {
        var delisting = RequestHistory.Select(e => e is ErasureRequestDrafted d ? d with { Kind = ErasureRequestKind.Delisting } : e).ToList();

        ApComplaint.EvidenceFrom(delisting, Engine)[0].ShouldContain("verzoek tot verwijdering uit zoekresultaten (AVG art. 17) opgesteld aan People Search B.V.");
        Evidence[0].ShouldContain("verzoek tot verwijdering (AVG art. 17) opgesteld");
    }
}
