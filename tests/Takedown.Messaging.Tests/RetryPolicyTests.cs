namespace Takedown.Messaging.Tests;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    public void Delays_double_after_each_failure_with_jitter_in_the_upper_half(int failedAttempt, int ceilingSeconds)
    {
        Policy.DelayAfter(failedAttempt, 0).ShouldBe(TimeSpan.FromSeconds(ceilingSeconds / 2.0));
        Policy.DelayAfter(failedAttempt, 0.999).ShouldBeLessThan(TimeSpan.FromSeconds(ceilingSeconds));
        Policy.DelayAfter(failedAttempt, 0.999).ShouldBeGreaterThan(TimeSpan.FromSeconds(ceilingSeconds * 0.99));
    }

    [Fact]
    public void Delays_stop_growing_at_the_maximum()
    {
        Policy.DelayAfter(6, 0.999).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        Policy.DelayAfter(60, 0).ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void A_per_type_policy_counts_retries_after_the_first_delivery()
    {
        var options = new MessagingOptions().Policy<string>(retries: 3);

        options.PolicyFor(typeof(string)).MaxAttempts.ShouldBe(4);
        options.PolicyFor(typeof(int)).ShouldBe(RetryPolicy.Default);
    }
}
