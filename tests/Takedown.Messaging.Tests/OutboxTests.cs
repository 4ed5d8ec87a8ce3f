using Npgsql;
using Marten;
using Marten.Services;
using Takedown.Messaging.Tests.Support;
using Takedown.Testing;

namespace Takedown.Messaging.Tests;

public sealed class OutboxTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Given_messages_saved_in_a_transaction_When_it_rolls_back_Then_no_message_is_ever_visible_or_announced()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        await using var listener = await ListenAsync(schema);

        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var outbox = messaging.Services.GetRequiredServiceInScope<MessageOutbox>();
            outbox.Publish(new RecordEffect(1));
            outbox.Schedule(new RecordEffect(2), DateTimeOffset.UtcNow.AddDays(1));
            await outbox.SaveAsync(connection, transaction);

            await using var inside = new NpgsqlCommand($"SELECT count(*) FROM {schema}.messages", connection, transaction);
            ((long)(await inside.ExecuteScalarAsync())!).ShouldBe(2, "the rows exist inside the transaction");
            await transaction.RollbackAsync();
        }

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(0);
        (await listener.WaitAsync(TimeSpan.FromMilliseconds(500))).ShouldBeFalse("NOTIFY is only delivered on commit");
    }

    [Fact]
    public async Task Given_messages_saved_in_a_transaction_When_it_commits_Then_they_are_stored_with_stable_names_and_headers_and_announced()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        await using var listener = await ListenAsync(schema);
        var at = new DateTimeOffset(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var ids = await messaging.SendAsync(outbox => new[] { outbox.Publish(new RecordEffect(7)), outbox.Schedule(new RecordEffect(8), at) });

        (await listener.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE message_type = 'test-record-effect'")).ShouldBe(2);
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT body->>'n' FROM {schema}.messages WHERE id = '{ids[0]}'")).ShouldBe("7");
        (await Db.ScalarAsync<string>(database.ConnectionString, $"SELECT headers->>'correlation-id' FROM {schema}.messages WHERE id = '{ids[0]}'")).ShouldBe(ids[0].ToString());
        (await Db.ScalarAsync<DateTime>(database.ConnectionString, $"SELECT scheduled_at FROM {schema}.messages WHERE id = '{ids[1]}'")).ShouldBe(at.UtcDateTime);
    }

    [Fact]
    public async Task Given_an_outbox_enlisted_in_a_Marten_session_When_the_session_saves_Then_its_messages_commit_or_roll_back_with_it()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        using var store = DocumentStore.For(o =>
        {
            o.Connection(database.ConnectionString);
            o.DatabaseSchemaName = schema + "_events";
        });
        var outbox = messaging.Services.GetRequiredServiceInScope<MessageOutbox>();
        outbox.Publish(new RecordEffect(1));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var inside = store.LightweightSession(SessionOptions.ForTransaction(transaction));
            inside.Enlist(outbox);
            outbox.Pending.ShouldBeEmpty("what was pending is queued on the session");
            await inside.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(0);

        // A session of its own with nothing but messages still writes them, published after enlisting too.
        var later = messaging.Services.GetRequiredServiceInScope<MessageOutbox>();
        await using (var session = store.LightweightSession())
        {
            session.Enlist(later);
            later.Publish(new RecordEffect(2));
            later.Publish(new RecordEffect(3));
            await session.SaveChangesAsync();
        }
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(2);
    }

    [Fact]
    public async Task Given_a_message_type_without_a_stable_name_When_published_Then_refused()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        var outbox = messaging.Services.GetRequiredServiceInScope<MessageOutbox>();

        Should.Throw<InvalidOperationException>(() => outbox.Publish(new Unnamed(1))).Message.ShouldContain("MessageType");
    }

    [Fact]
    public async Task Given_a_message_type_registered_by_name_When_published_Then_stored_under_that_name()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false, configure: o => o.Message<Unnamed>("test-unnamed"));

        await messaging.PublishAsync(new Unnamed(1));

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE message_type = 'test-unnamed'")).ShouldBe(1);
    }

    [Fact]
    public async Task Given_a_scheduled_message_When_cancelled_in_a_later_transaction_Then_it_is_gone_and_one_cancelled_before_saving_is_never_written()
    {
        var schema = Db.NewSchema();
        await using var messaging = await TestMessaging.StartAsync(database.ConnectionString, schema, worker: false);
        var keep = await messaging.SendAsync(outbox => outbox.Schedule(new RecordEffect(1), DateTimeOffset.UtcNow.AddDays(30)));
        var check = await messaging.SendAsync(outbox => outbox.Schedule(new RecordEffect(2), DateTimeOffset.UtcNow.AddDays(30)));

        await messaging.SendAsync(outbox =>
        {
            outbox.Cancel(check);
            outbox.Cancel(outbox.Publish(new RecordEffect(3)));
            return 0;
        });

        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages")).ShouldBe(1);
        (await Db.CountAsync(database.ConnectionString, $"SELECT count(*) FROM {schema}.messages WHERE id = '{keep}'")).ShouldBe(1);
    }

    private async Task<Listener> ListenAsync(string schema)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"LISTEN {schema}_messages", connection);
        await command.ExecuteNonQueryAsync();
        return new Listener(connection);
    }

    private sealed class Listener(NpgsqlConnection connection) : IAsyncDisposable
    {
        public Task<bool> WaitAsync(TimeSpan timeout) => connection.WaitAsync(timeout);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
