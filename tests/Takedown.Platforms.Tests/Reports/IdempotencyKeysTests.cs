using Takedown.Platforms.Reports;

namespace Takedown.Platforms.Tests.Reports;

public sealed class IdempotencyKeysTests
{
    private static readonly Guid Report = Guid.Parse("0b5e7c1e-8a41-4a55-9c7e-1d2b3c4d5e6f");

    [Fact]
    public void Given_same_report_and_operation_When_derived_Then_same_key_every_time()
    {
        IdempotencyKeys.For(Report, "file-notice").ShouldBe(IdempotencyKeys.For(Report, "file-notice"));
        // Pinned (computed independently with Python's hashlib): a key that changed between releases would let a redelivered filing through twice.
        IdempotencyKeys.For(Report, "file-notice").ShouldBe("79e936ca-29c7-7061-c774-cacab0d54b0a");
        Guid.TryParse(IdempotencyKeys.For(Report, "file-notice"), out _).ShouldBeTrue();
    }

    [Fact]
    public void Given_other_operation_or_report_When_derived_Then_other_key()
    {
        IdempotencyKeys.For(Report, "file-notice").ShouldNotBe(IdempotencyKeys.For(Report, "file-appeal"));
        IdempotencyKeys.For(Report, "file-notice").ShouldNotBe(IdempotencyKeys.For(Guid.NewGuid(), "file-notice"));
    }
}
