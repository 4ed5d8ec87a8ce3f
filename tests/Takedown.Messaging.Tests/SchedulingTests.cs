using Takedown.Messaging.Tests.Support;
using Takedown.Testing;

namespace Takedown.Messaging.Tests;

public sealed class SchedulingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_a_message_scheduled_in_an_hour_When_the_clock_has_not_reached_it_Then_it_waits_and_when_it_has_Then_it_is_handled()
    {
        var schema = Db.NewSchema();
        var clock = new ManualClock(Start);
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, time: clock);

        await messaging.SendAsync(outbox => outbox.Schedule(new RecordEffect(1), Start.AddHours(1)));
        await messaging.PublishAsync(new RecordEffect(2));
        await Db.EventuallyAsync(async () => await EffectsAsync(schema) == 1, "the message due now is handled");
        clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(1000); // several polling rounds at the fake 09:59

        (await EffectsAsync(schema)).ShouldBe(1, "not due before 10:00");
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE attempts = 0")).ShouldBe(1);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Db.EventuallyAsync(async () => await EffectsAsync(schema) == 2, "the scheduled message is handled once due");
        (await Db.ScalarAsync<int>(database.ConnectionString, $"SELECT n FROM {schema}.effects ORDER BY n DESC LIMIT 1")).ShouldBe(2);
    }

    [Fact]
    public async Task Given_a_deadline_that_passed_while_no_worker_ran_When_a_worker_starts_Then_the_message_is_handled()
    {
        var schema = Db.NewSchema();
        var clock = new ManualClock(Start);
        await using (var publisher = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false, time: clock))
        {
            await publisher.SendAsync(outbox => outbox.Schedule(new RecordEffect(1), Start.AddDays(30)));
        }
        clock.Advance(TimeSpan.FromDays(45));

        await using var worker = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, time: clock);

        await Db.EventuallyAsync(async () => await EffectsAsync(schema) == 1, "the overdue message is handled");
    }

    [Fact]
    public async Task Given_a_failed_message_When_retried_Then_the_retry_is_scheduled_on_the_injected_clock()
    {
        var schema = Db.NewSchema();
        var clock = new ManualClock(Start);
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, time: clock,
            configure: o => o.Policy<AlwaysFails>(retries: 3, firstDelay: TimeSpan.FromMinutes(10), maxDelay: TimeSpan.FromHours(1)));

        await messaging.PublishAsync(new AlwaysFails(1));
        await Db.EventuallyAsync(async () => messaging.Probe.Failures == 1 && await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE lease_owner IS NULL") == 1, "the first attempt failed");

        var retryAt = await Db.ScalarAsync<DateTime>(database.ConnectionString, $"SELECT scheduled_at FROM {schema}.messages");
        retryAt.ShouldBeInRange(Start.AddMinutes(5).UtcDateTime, Start.AddMinutes(10).UtcDateTime);
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT last_error FROM {schema}.messages")).ShouldBe("System.InvalidOperationException: boom");
        await Task.Delay(600);
        messaging.Probe.Failures.ShouldBe(1, "no retry before the backoff has passed on the clock");

        clock.Advance(TimeSpan.FromMinutes(10));
        await Db.EventuallyAsync(() => Task.FromResult(messaging.Probe.Failures == 2), "the retry runs once the clock passes it");
    }

    [Fact]
    public async Task Given_handled_messages_When_the_retention_has_passed_on_the_clock_Then_their_ids_are_forgotten()
    {
        var schema = Db.NewSchema();
        var clock = new ManualClock(Start);
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, time: clock,
            configure: o => { o.ProcessedRetention = TimeSpan.FromDays(30); o.ProcessedCleanupInterval = TimeSpan.FromMilliseconds(100); });
        await messaging.PublishAsync(new RecordEffect(1));
        await Db.EventuallyAsync(async () => await EffectsAsync(schema) == 1, "handled");
        clock.Advance(TimeSpan.FromDays(29));
        await messaging.PublishAsync(new RecordEffect(2));
        await Db.EventuallyAsync(async () => await EffectsAsync(schema) == 2, "handled");
        await Task.Delay(500);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.processed_messages")).ShouldBe(2);

        clock.Advance(TimeSpan.FromDays(2));

        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.processed_messages") == 1, "the older id is forgotten");
    }

    private Task<long> EffectsAsync(string schema) => Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects");
}
