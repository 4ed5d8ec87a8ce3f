using Npgsql;

namespace Takedown.Messaging.Tests.Support;

/// <summary>What the test handlers need to know and what they report, one per service provider.</summary>
public sealed class Probe(string schema)
{
    private int _failures;
    private int _duplicatesSeen;

    public string Schema { get; } = schema;

    /// <summary>The handler records its effect, then hangs until the process is killed.</summary>
    public bool Hang { get; set; }

    public bool FailAlways { get; set; } = true;

    public TimeSpan HandlerDelay { get; set; }

    public string WorkerName { get; set; } = "test";

    public int Failures => _failures;

    public int DuplicatesSeen => _duplicatesSeen;

    public void CountFailure() => Interlocked.Increment(ref _failures);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicatesSeen);
}

[MessageType("test-record-effect")]
public sealed record RecordEffect(int N);

[MessageType("test-always-fails")]
public sealed record AlwaysFails(int N);

[MessageType("test-rejected")]
public sealed record Rejected(int N);

[MessageType("test-start-chain")]
public sealed record StartChain(int N);

public sealed record Unnamed(int N);

/// <summary>Writes one row per handling into the effects table, in the message's own transaction.</summary>
public static class RecordEffectHandler
{
    public static async Task HandleAsync(RecordEffect message, MessageContext context, Probe probe, CancellationToken cancellationToken)
    {
        await Effects.InsertAsync(context, probe, message.N, cancellationToken);
        if (probe.HandlerDelay > TimeSpan.Zero)
        {
            await Task.Delay(probe.HandlerDelay, cancellationToken);
        }
        if (probe.Hang)
        {
            await Console.Out.WriteLineAsync($"started {context.MessageId}");
            await Console.Out.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}

public sealed class AlwaysFailsHandler(Probe probe)
{
    public async Task HandleAsync(AlwaysFails message, NpgsqlConnection connection, NpgsqlTransaction transaction, MessageContext context)
    {
        if (probe.FailAlways)
        {
            // The effect written before the failure must be rolled back with it.
            await Effects.InsertAsync(context, probe, -1, CancellationToken.None);
            probe.CountFailure();
            throw new InvalidOperationException("boom");
        }
        await Effects.InsertAsync(context, probe, message.N, CancellationToken.None);
        connection.State.ShouldBe(System.Data.ConnectionState.Open);
        transaction.Connection.ShouldBeSameAs(connection);
    }
}

public static class RejectedHandler
{
    public static void Handle(Rejected message, Probe probe)
    {
        probe.CountFailure();
        throw new PermanentFailureException($"rejected {message.N}");
    }
}

public static class StartChainHandler
{
    public static void Handle(StartChain message, IMessageOutbox outbox) => outbox.Publish(new RecordEffect(message.N + 1));
}

public static class Effects
{
    public static async Task CreateTableAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {schema}.effects (message_id uuid NOT NULL, n int NOT NULL, worker text NOT NULL, attempt int NOT NULL, causation text NULL)",
            connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task InsertAsync(MessageContext context, Probe probe, int n, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {probe.Schema}.effects (message_id, n, worker, attempt, causation) VALUES (@id, @n, @worker, @attempt, @causation)",
            context.Connection, context.Transaction);
        command.Parameters.AddWithValue("id", context.MessageId);
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("worker", probe.WorkerName);
        command.Parameters.AddWithValue("attempt", context.Attempt);
        command.Parameters.AddWithValue("causation", (object?)context.Headers.GetValueOrDefault(MessageHeaders.CausationId) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
