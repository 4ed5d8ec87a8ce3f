using Takedown.Domain.Letters;

namespace Takedown.Domain.Tests.Letters;

public partial class LetterTests
{
    [Fact]
    public void Given_prepared_letter_When_a_file_is_added_Then_it_is_kept_with_its_hash_and_only_before_approval()
    {
        byte[] content = [1, 2, 3];
        var add = new AddLetterAttachment(LetterId, "kopie.png", "image/png", content, T0.AddMinutes(1));

        var added = When(Given(Prepared()), add).Single().ShouldBeOfType<LetterAttachmentAdded>();

        added.ShouldBe(new LetterAttachmentAdded(LetterId, "kopie.png", "image/png", "AQID", "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", T0.AddMinutes(1)));
        ThenRefused(Given(Prepared(), new LetterApproved(LetterId, "victim", T0)), add, "not been approved");
        ThenRefused(Given(Prepared()), add with { Content = [] }, "file name, type and content");
    }
}
