using Takedown.Letters.Replies;

namespace Takedown.Letters.Tests;

public class ReplyAddressTests
{
    private const string Secret = "a-server-secret-of-some-length";

    [Fact]
    public void Address_round_trips_to_its_request()
    {
        var requestId = Guid.NewGuid();

        var address = ReplyAddress.For(requestId, Secret, "Takedown.test");

        address.ShouldStartWith("replies+");
        address.ShouldEndWith("@takedown.test");
        address.ShouldBe(address.ToLowerInvariant());
        address.Split('@')[0].Length.ShouldBeLessThanOrEqualTo(64);
        ReplyAddress.TryParse(address, Secret, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(requestId);
        ReplyAddress.For(requestId, Secret, "takedown.test").ShouldBe(address);
    }

    [Fact]
    public void Display_name_form_and_upper_case_are_matched()
    {
        var requestId = Guid.NewGuid();
        var address = ReplyAddress.For(requestId, Secret, "takedown.test");

        ReplyAddress.TryParse($"\"Takedown\" <{address.ToUpperInvariant()}>", Secret, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(requestId);
    }

    [Fact]
    public void Forged_or_foreign_addresses_are_not_matched()
    {
        var requestId = Guid.NewGuid();
        var address = ReplyAddress.For(requestId, Secret, "takedown.test");
        var (local, domain) = (address.Split('@')[0], address.Split('@')[1]);
        var other = ReplyAddress.For(Guid.NewGuid(), Secret, "takedown.test").Split('@')[0].Split('.')[1];
        var idPart = local.Split('.')[0];

        ReplyAddress.TryParse(address, "another-secret-of-some-length", out _).ShouldBeFalse();
        ReplyAddress.TryParse($"{idPart}.{other}@{domain}", Secret, out _).ShouldBeFalse();
        ReplyAddress.TryParse($"{local[..^1]}@{domain}", Secret, out _).ShouldBeFalse();
        ReplyAddress.TryParse($"replies@{domain}", Secret, out _).ShouldBeFalse();
        ReplyAddress.TryParse($"someone@{domain}", Secret, out _).ShouldBeFalse();
        ReplyAddress.TryParse("not an address", Secret, out _).ShouldBeFalse();
        ReplyAddress.TryParse(null, Secret, out var none).ShouldBeFalse();
        none.ShouldBe(Guid.Empty);
    }

    [Fact]
    public void Short_secret_is_refused()
    {
        Should.Throw<ArgumentException>(() => ReplyAddress.For(Guid.NewGuid(), "short", "takedown.test"));
    }
}
