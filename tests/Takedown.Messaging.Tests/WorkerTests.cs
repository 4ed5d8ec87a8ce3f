using Takedown.Messaging.Tests.Support;
using Takedown.Testing;

namespace Takedown.Messaging.Tests;

public sealed class WorkerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int Thousands = 3000;

    [Fact]
    public async Task Given_two_workers_in_one_process_When_thousands_of_messages_arrive_Then_each_has_exactly_one_effect()
    {
        var schema = Db.NewSchema();
        await using var first = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, configure: o => o.WorkerConcurrency = 3, probe: p => p.WorkerName = "first");
        await using var second = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, configure: o => o.WorkerConcurrency = 3, probe: p => p.WorkerName = "second");

        await PublishManyAsync(first, Thousands);

        await WaitUntilAllHandledAsync(schema, Thousands);
        await AssertExactlyOnceAsync(schema, Thousands, "first", "second");
    }

    [Fact]
    public async Task Given_a_worker_in_a_second_process_and_one_here_When_thousands_of_messages_arrive_Then_each_has_exactly_one_effect()
    {
        var schema = Db.NewSchema();
        await using var here = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, probe: p => p.WorkerName = "here");
        using var child = await WorkerProcess.StartAsync(database.ConnectionString, schema, "normal", TimeSpan.FromMinutes(5));

        await PublishManyAsync(here, Thousands);

        await WaitUntilAllHandledAsync(schema, Thousands);
        await AssertExactlyOnceAsync(schema, Thousands, "here", "child");
        await child.StopAsync();
    }

    [Fact]
    public async Task Given_leases_shorter_than_the_handlers_When_messages_are_delivered_twice_at_once_Then_each_still_has_one_effect()
    {
        var schema = Db.NewSchema();
        // A 30 ms lease under 60 ms handlers: messages are claimed again by the other worker while still being
        // handled, so duplicate deliveries really run side by side.
        void Configure(MessagingOptions o)
        {
            o.LeaseDuration = TimeSpan.FromMilliseconds(30);
            o.BatchSize = 2;
            o.WorkerConcurrency = 3;
            o.Policy<RecordEffect>(retries: 10_000);
        }
        await using var first = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, configure: Configure, probe: p => { p.WorkerName = "first"; p.HandlerDelay = TimeSpan.FromMilliseconds(60); });
        await using var second = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, configure: Configure, probe: p => { p.WorkerName = "second"; p.HandlerDelay = TimeSpan.FromMilliseconds(60); });

        await PublishManyAsync(first, 200);

        await WaitUntilAllHandledAsync(schema, 200);
        await AssertExactlyOnceAsync(schema, 200);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects WHERE attempt > 1"))
            .ShouldBeGreaterThan(0, "some messages must have been delivered more than once for this test to mean anything");
    }

    [Fact]
    public async Task Given_a_handled_message_When_it_is_delivered_again_Then_the_handler_has_no_second_effect()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);
        var id = (await messaging.PublishAsync(new RecordEffect(1)))[0];
        await WaitUntilAllHandledAsync(schema, 1);

        // The same message arrives a second time (as after a lost acknowledgement).
        await Db.CountAsync(database.ConnectionString,
            $"WITH x AS (INSERT INTO {schema}.messages (id, message_type, body, headers, scheduled_at, created_at) VALUES ('{id}', 'test-record-effect', '{{\"n\":1}}', '{{}}', now(), now()) RETURNING 1) SELECT count(*) FROM x");
        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages") == 0, "the duplicate is acknowledged");

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects")).ShouldBe(1);
    }

    [Fact]
    public async Task Given_a_handler_that_publishes_When_handled_Then_the_follow_up_is_handled_with_its_cause_recorded()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);

        var id = (await messaging.PublishAsync(new StartChain(41)))[0];

        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects") == 1, "the follow-up is handled");
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT causation FROM {schema}.effects WHERE n = 42")).ShouldBe(id.ToString());
    }

    [Fact]
    public async Task Given_a_worker_process_killed_mid_message_When_its_lease_expires_Then_another_worker_completes_the_message_once()
    {
        var schema = Db.NewSchema();
        await using var publisher = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        var id = (await publisher.PublishAsync(new RecordEffect(1)))[0];
        using var child = await WorkerProcess.StartAsync(database.ConnectionString, schema, "hang", TimeSpan.FromSeconds(2));

        (await child.WaitForLineAsync(line => line.StartsWith("started", StringComparison.Ordinal))).ShouldBe($"started {id}");
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT lease_owner FROM {schema}.messages WHERE id = '{id}'")).ShouldNotBeNull();
        child.Kill();

        await using var survivor = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true, probe: p => p.WorkerName = "survivor");
        await WaitUntilAllHandledAsync(schema, 1);

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects")).ShouldBe(1, "the killed worker's uncommitted effect was rolled back");
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT worker || ':' || attempt FROM {schema}.effects")).ShouldBe("survivor:2");
    }

    [Fact]
    public async Task Given_a_worker_with_claimed_messages_When_it_stops_Then_unfinished_messages_are_released_at_once()
    {
        var schema = Db.NewSchema();
        var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true,
            configure: o => { o.WorkerConcurrency = 1; o.BatchSize = 10; },
            probe: p => p.HandlerDelay = TimeSpan.FromSeconds(30));
        await PublishManyAsync(messaging, 5);
        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE lease_owner IS NOT NULL") == 5, "all five are claimed");

        await messaging.DisposeAsync();

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE lease_owner IS NULL AND attempts = 0")).ShouldBe(5);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects")).ShouldBe(0);
    }

    [Fact]
    public async Task Given_polling_only_once_an_hour_When_messages_are_published_Then_the_notification_wakes_a_worker()
    {
        var schema = Db.NewSchema();
        await using var worker = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true,
            configure: o => o.PollingInterval = TimeSpan.FromHours(1));
        await using var publisher = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString,
            $"SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN {schema}_messages'") == 1, "the worker listens");
        // Listening starts with one look at the queue; after that the loops sleep for the polling interval unless notified.
        await Task.Delay(500);

        for (var n = 1; n <= 3; n++)
        {
            await publisher.PublishAsync(new RecordEffect(n));

            // The next poll is an hour away: a message handled within the wait was woken by the notification.
            await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects") == n,
                $"message {n} is handled without waiting for the poll", seconds: 30);
        }
    }

    private static async Task PublishManyAsync(TestMessaging messaging, int count)
    {
        for (var start = 0; start < count; start += 500)
        {
            var end = Math.Min(count, start + 500);
            await messaging.SendAsync(outbox => Enumerable.Range(start, end - start).Select(n => outbox.Publish(new RecordEffect(n))).ToList());
        }
    }

    private async Task WaitUntilAllHandledAsync(string schema, int count) =>
        await Db.EventuallyAsync(
            async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.processed_messages") >= count
                        && await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages") == 0,
            $"all {count} messages handled",
            seconds: 120);

    private async Task AssertExactlyOnceAsync(string schema, int count, params string[] workers)
    {
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects")).ShouldBe(count);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(DISTINCT message_id) FROM {schema}.effects")).ShouldBe(count);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(DISTINCT n) FROM {schema}.effects")).ShouldBe(count);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.dead_letters")).ShouldBe(0);
        foreach (var worker in workers)
        {
            (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects WHERE worker = '{worker}'"))
                .ShouldBeGreaterThan(0, $"worker {worker} took part");
        }
    }
}
