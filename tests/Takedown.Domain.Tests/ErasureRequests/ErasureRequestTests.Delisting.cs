using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

/// <summary>
/// A delisting request: GDPR Art. 17(1)(c) with Art. 21(1) to a search engine, which must remove results from searches
/// on the data subject's name (CJEU C-131/12 Google Spain; C-136/17 GC and Others; EDPB Guidelines 5/2019).
/// </summary>
public partial class ErasureRequestTests
{
    private static DraftErasureRequest DraftDelisting() =>
        new(RequestId, CaseId, "Search Engine Ltd", "privacy@search.example", "IE", PersonalData, Urls, T0, Kind: ErasureRequestKind.Delisting);

    [Fact]
    public void Given_nothing_When_drafted_to_a_search_engine_as_delisting_Then_the_request_is_a_delisting_request_Art17_GoogleSpain()
    {
        var events = When(Given(), DraftDelisting());

        events.Single().ShouldBeOfType<ErasureRequestDrafted>().Kind.ShouldBe(ErasureRequestKind.Delisting);
        Given(events).Kind.ShouldBe(ErasureRequestKind.Delisting);
    }

    [Fact]
    public void Given_nothing_When_drafted_without_a_kind_Then_it_is_an_ordinary_erasure_request()
    {
        Given(When(Given(), Draft())).Kind.ShouldBe(ErasureRequestKind.Erasure);
    }

    [Fact]
    public void Given_a_draft_stored_before_delisting_existed_Then_it_reads_as_an_erasure_request()
    {
        Given(Drafted).Kind.ShouldBe(ErasureRequestKind.Erasure);
    }

    [Fact]
    public void Given_nothing_When_a_delisting_request_lists_no_results_Then_refused()
    {
        ThenRefused(Given(), DraftDelisting() with { Urls = [] }, "search results (URLs)");
    }

    [Fact]
    public void Given_nothing_When_drafted_with_an_undefined_kind_Then_refused()
    {
        ThenRefused(Given(), Draft() with { Kind = (ErasureRequestKind)7 }, "erasure request or a delisting request");
    }

    [Fact]
    public void Given_a_sent_delisting_request_Then_its_answer_is_due_in_the_same_Art12_3_month_as_an_erasure_request()
    {
        var erasure = Given(Drafted, Approved, Sent).AnswerDeadline(Engine)!;
        var delisting = Given(Drafted with { Kind = ErasureRequestKind.Delisting }, Approved, Sent).AnswerDeadline(Engine)!;

        delisting.ShouldBe(erasure);
        delisting.DueDate.ShouldBe(new DateOnly(2025, 4, 10));
    }
}
