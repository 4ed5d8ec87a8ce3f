using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static readonly IReadOnlyList<string> MetaAddress = ["4 Grand Canal Square", "Grand Canal Harbour", "Dublin 2", "Ireland"];

    private static ErasureRequestDrafted DraftedForWebForm => new(RequestId, CaseId, "Meta Platforms Ireland Limited", "", "IE", PersonalData, Urls, T0, "en",
        ErasureRequestKind.Erasure, "facebook", 1, LetterChannels.WebForm, null, "https://www.facebook.com/help/contact/540977946302970");

    [Fact]
    public void Given_nothing_When_drafted_from_a_directory_record_by_post_Then_the_event_keeps_the_record_and_the_address()
    {
        var events = When(ErasureRequest.Initial, new DraftErasureRequest(RequestId, CaseId, "Meta Platforms Ireland Limited", "", "IE", PersonalData, Urls, T0,
            "en", ErasureRequestKind.Erasure, "facebook", 3, LetterChannels.Post, MetaAddress));

        var drafted = events.ShouldHaveSingleItem().ShouldBeOfType<ErasureRequestDrafted>();
        drafted.DirectoryRecordId.ShouldBe("facebook");
        drafted.DirectoryRecordVersion.ShouldBe(3);
        drafted.Channel.ShouldBe(LetterChannels.Post);
        drafted.ControllerAddress.ShouldBe(MetaAddress);
        Given(drafted).Channel.ShouldBe(LetterChannels.Post);
    }

    [Fact]
    public void Given_nothing_When_drafted_by_post_without_an_address_Then_refused() =>
        ThenRefused(ErasureRequest.Initial, new DraftErasureRequest(RequestId, CaseId, "Meta Platforms Ireland Limited", "", "IE", PersonalData, Urls, T0,
            "en", ErasureRequestKind.Erasure, "facebook", 3, LetterChannels.Post, ["Dublin 2"]), "postal address");

    [Fact]
    public void Given_nothing_When_drafted_for_a_web_form_without_its_address_Then_refused() =>
        ThenRefused(ErasureRequest.Initial, new DraftErasureRequest(RequestId, CaseId, "Meta Platforms Ireland Limited", "", "IE", PersonalData, Urls, T0,
            "en", ErasureRequestKind.Erasure, "facebook", 3, LetterChannels.WebForm, null, "javascript:alert(1)"), "web form");

    [Fact]
    public void Given_nothing_When_drafted_by_email_Then_the_event_keeps_its_earlier_shape()
    {
        var drafted = When(ErasureRequest.Initial, new DraftErasureRequest(RequestId, CaseId, "People Search B.V.", "privacy@people-search.example", "NL",
            PersonalData, Urls, T0, "nl")).ShouldHaveSingleItem().ShouldBeOfType<ErasureRequestDrafted>();

        drafted.ShouldBe(Drafted);
    }

    [Fact]
    public void Given_an_approved_web_form_request_When_the_victim_says_it_was_submitted_Then_sent_and_the_clock_runs_from_that_day()
    {
        var state = Given(DraftedForWebForm, Approved);

        var sent = When(state, new RecordErasureSubmission(RequestId, ReceivedOn, ReceivedOn.AddDays(2), Amsterdam(3, 12)))
            .ShouldHaveSingleItem().ShouldBeOfType<ErasureRequestSent>();

        sent.ReceivedOn.ShouldBe(ReceivedOn);
        sent.Channel.ShouldBe(LetterChannels.WebForm);
        Given(DraftedForWebForm, Approved, sent).AnswerDeadline(Engine)!.DueDate.ShouldBe(new DateOnly(2025, 4, 10));
    }

    [Fact]
    public void Given_a_submitted_web_form_request_When_the_same_day_is_recorded_again_Then_nothing_changes() =>
        When(Given(DraftedForWebForm, Approved, new ErasureRequestSent(RequestId, ReceivedOn, Amsterdam(3, 12), LetterChannels.WebForm)),
            new RecordErasureSubmission(RequestId, ReceivedOn, ReceivedOn.AddDays(2), Amsterdam(3, 12))).ShouldBeEmpty();

    [Fact]
    public void Given_an_approved_web_form_request_When_a_day_in_the_future_is_recorded_Then_refused() =>
        ThenRefused(Given(DraftedForWebForm, Approved), new RecordErasureSubmission(RequestId, ReceivedOn.AddDays(3), ReceivedOn, Amsterdam(3, 10)), "future");

    [Fact]
    public void Given_an_approved_web_form_request_When_a_day_before_the_approval_is_recorded_Then_refused() =>
        ThenRefused(Given(DraftedForWebForm, Approved), new RecordErasureSubmission(RequestId, T0.AddDays(-3).Date is var d ? DateOnly.FromDateTime(d) : default, ReceivedOn, Amsterdam(3, 10)), "before the request was approved");

    [Fact]
    public void Given_a_drafted_web_form_request_When_the_victim_says_it_was_submitted_Then_refused_until_approved() =>
        ThenRefused(Given(DraftedForWebForm), new RecordErasureSubmission(RequestId, ReceivedOn, ReceivedOn, Amsterdam(3, 10)), "approve");

    [Fact]
    public void Given_an_approved_e_mail_request_When_the_victim_says_it_was_submitted_Then_refused() =>
        ThenRefused(Given(Drafted, Approved), new RecordErasureSubmission(RequestId, ReceivedOn, ReceivedOn, Amsterdam(3, 10)), "e-mail");
}
