using Takedown.Domain.ErasureRequests;

namespace Takedown.Domain.Tests.ErasureRequests;

public partial class ErasureRequestTests
{
    private static readonly Guid ReplyId = Guid.Parse("5a1c1a44-0000-4000-8000-0000000000e1");

    [Fact]
    public void Given_sent_request_When_reply_recorded_Then_received_with_its_proposal()
    {
        var at = Amsterdam(3, 20);

        When(Given(Drafted, Approved, Sent), new RecordReply(RequestId, ReplyId, "ab12", "Extension", 0.8, at))
            .ShouldBe([new ReplyReceived(RequestId, ReplyId, "ab12", "Extension", 0.8, at)]);
    }

    [Fact]
    public void Given_recorded_reply_When_recorded_again_Then_nothing_happens()
    {
        var state = Given(Drafted, Approved, Sent, new ReplyReceived(RequestId, ReplyId, "ab12", "Answered", 0.9, Amsterdam(3, 20)));

        When(state, new RecordReply(RequestId, ReplyId, "ab12", "Answered", 0.9, Amsterdam(3, 21))).ShouldBeEmpty();
    }

    [Fact]
    public void Given_recorded_reply_When_meaning_confirmed_Then_confirmed()
    {
        var state = Given(Drafted, Approved, Sent, new ReplyReceived(RequestId, ReplyId, "ab12", "Answered", 0.9, Amsterdam(3, 20)));

        When(state, new ConfirmReplyMeaning(RequestId, ReplyId, "Answered", "operator:1", Amsterdam(3, 21)))
            .ShouldBe([new ReplyMeaningConfirmed(RequestId, ReplyId, "Answered", "operator:1", Amsterdam(3, 21))]);
    }

    [Fact]
    public void Given_no_such_reply_When_meaning_confirmed_Then_refused()
    {
        ThenRefused(Given(Drafted, Approved, Sent), new ConfirmReplyMeaning(RequestId, ReplyId, "Answered", "operator:1", Amsterdam(3, 21)), "no such reply");
    }

    [Fact]
    public void Given_sent_request_When_bounce_recorded_twice_Then_flagged_once()
    {
        var first = When(Given(Drafted, Approved, Sent), new RecordBounce(RequestId, ReplyId, Amsterdam(3, 10, 10)));

        first.ShouldBe([new ControllerAddressBounced(RequestId, ReplyId, Amsterdam(3, 10, 10))]);
        When(Given([Drafted, Approved, Sent, .. first]), new RecordBounce(RequestId, ReplyId, Amsterdam(3, 10, 11))).ShouldBeEmpty();
    }
}
