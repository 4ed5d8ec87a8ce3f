using Takedown.Messaging.Tests.Support;
using Takedown.Testing;

namespace Takedown.Messaging.Tests;

public sealed class DeadLetterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Given_a_message_that_always_fails_When_its_retries_are_used_up_Then_it_is_a_dead_letter_that_can_be_replayed()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);
        var id = (await messaging.PublishAsync(new AlwaysFails(5)))[0];

        await Db.EventuallyAsync(async () => (await messaging.DeadLetters.ListAsync()).Count == 1, "the message is dead-lettered");

        var dead = (await messaging.DeadLetters.ListAsync()).ShouldHaveSingleItem();
        dead.Id.ShouldBe(id);
        dead.MessageType.ShouldBe("test-always-fails");
        dead.Attempts.ShouldBe(3, "the first delivery and two retries");
        dead.Error.ShouldBe("System.InvalidOperationException: boom");
        dead.Headers[MessageHeaders.CorrelationId].ShouldBe(id.ToString());
        messaging.Probe.Failures.ShouldBe(3);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(0);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects")).ShouldBe(0, "failed attempts roll back their effects");

        messaging.Probe.FailAlways = false;
        (await messaging.DeadLetters.ReplayAsync(id)).ShouldBeTrue();

        await Db.EventuallyAsync(async () => await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.effects") == 1, "the replayed message is handled");
        (await Db.ScalarAsync<Guid>(database.ConnectionString, $"SELECT message_id FROM {schema}.effects")).ShouldBe(id, "a replay keeps the message id");
        (await Db.ScalarAsync<int>(database.ConnectionString, $"SELECT n FROM {schema}.effects")).ShouldBe(5);
        (await messaging.DeadLetters.ListAsync()).ShouldBeEmpty();
        (await messaging.DeadLetters.ReplayAsync(id)).ShouldBeFalse();
    }

    [Fact]
    public async Task Given_a_replay_in_the_callers_transaction_When_it_rolls_back_Then_the_dead_letter_stays_and_nothing_is_handled()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);
        var id = (await messaging.PublishAsync(new Rejected(4)))[0];
        await Db.EventuallyAsync(async () => (await messaging.DeadLetters.ListAsync()).Count == 1, "the message is dead-lettered");
        var failures = messaging.Probe.Failures;

        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            (await messaging.DeadLetters.ReplayAsync(id, connection, transaction)).ShouldBeTrue();
            await transaction.RollbackAsync();
        }
        await Task.Delay(500);

        (await messaging.DeadLetters.ListAsync()).ShouldHaveSingleItem().Id.ShouldBe(id);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(0);
        messaging.Probe.Failures.ShouldBe(failures, "a rolled-back replay is never delivered");

        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            (await messaging.DeadLetters.ReplayAsync(id, connection, transaction)).ShouldBeTrue();
            await transaction.CommitAsync();
        }
        await Db.EventuallyAsync(async () => messaging.Probe.Failures == failures + 1, "the committed replay is delivered");
    }

    [Fact]
    public async Task Given_a_handler_that_fails_permanently_When_handled_Then_dead_lettered_without_retries()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);

        await messaging.PublishAsync(new Rejected(9));

        await Db.EventuallyAsync(async () => (await messaging.DeadLetters.ListAsync()).Count == 1, "the message is dead-lettered");
        var dead = (await messaging.DeadLetters.ListAsync()).ShouldHaveSingleItem();
        dead.Attempts.ShouldBe(1);
        dead.Error.ShouldBe("Takedown.Messaging.PermanentFailureException: rejected 9");
        messaging.Probe.Failures.ShouldBe(1);
    }

    [Fact]
    public async Task Given_a_message_nobody_handles_When_claimed_Then_dead_lettered_with_the_reason()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: true);

        await Db.CountAsync(database.ConnectionString,
            $"WITH x AS (INSERT INTO {schema}.messages (id, message_type, body, headers, scheduled_at, created_at) VALUES (gen_random_uuid(), 'test-unknown', '{{}}', '{{}}', now(), now()) RETURNING 1) SELECT count(*) FROM x");

        await Db.EventuallyAsync(async () => (await messaging.DeadLetters.ListAsync()).Count == 1, "the message is dead-lettered");
        (await messaging.DeadLetters.ListAsync())[0].Error.ShouldContain("No handler");
    }
}
