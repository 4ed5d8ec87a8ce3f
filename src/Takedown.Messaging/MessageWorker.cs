using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Takedown.Messaging;

/// <summary>
/// Claims due messages with <c>FOR UPDATE SKIP LOCKED</c> and a lease, and handles each in a transaction that also
/// records it as processed and removes it. Any number of workers in any number of processes can share a database:
/// a message is leased to one at a time, a worker that dies leaves its lease to expire, and the processed table
/// makes a second delivery of a handled message a no-op. Woken by LISTEN/NOTIFY, polling as the fallback.
/// </summary>
public sealed class MessageWorker : BackgroundService
{
    /// <summary>The source of the "handle" activities, continuing the sender's W3C trace.</summary>
    public static readonly ActivitySource ActivitySource = new("Takedown.Messaging");

    private const int MaxErrorLength = 2000;

    private readonly MessagingRuntime _runtime;
    private readonly MessagingSchema _schema;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<MessageWorker> _logger;
    private readonly string _name;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal MessageWorker(MessagingRuntime runtime, MessagingSchema schema, IServiceScopeFactory scopes, ILogger<MessageWorker> logger, IServiceProviderIsService? isService)
    {
        // Fail at start-up, not on the first message weeks later (a deadline check) when a dependency is missing.
        var missing = isService is null ? [] : runtime.Handlers.Handlers
            .SelectMany(h => h.Services.Where(s => !isService.IsService(s)).Select(s => $"{h.Method.DeclaringType!.Name}.{h.Method.Name} needs {s.FullName}"))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Message handlers need services that are not registered: " + string.Join("; ", missing));
        }
        _runtime = runtime;
        _schema = schema;
        _scopes = scopes;
        _logger = logger;
        _name = runtime.Options.WorkerName
            ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }

    /// <summary>The lease owner name of this worker (each loop appends <c>/n</c>).</summary>
    public string Name => _name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The database may come up after the worker (compose, restarts): wait for it rather than stop the host.
        while (true)
        {
            try
            {
                await _schema.EnsureAsync(stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                MessagingLog.LoopFailed(_logger, e);
                await Task.Delay(_runtime.Options.PollingInterval * 5, _runtime.Time, stoppingToken).ConfigureAwait(false);
            }
        }
        var loops = _runtime.Options.WorkerConcurrency;
        MessagingLog.WorkerStarted(_logger, _name, loops);
        var tasks = Enumerable.Range(1, loops).Select(i => RunLoopAsync($"{_name}/{i}", stoppingToken)).ToList();
        tasks.Add(ListenAsync(stoppingToken));
        tasks.Add(ForgetProcessedAsync(stoppingToken));
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task RunLoopAsync(string owner, CancellationToken stoppingToken)
    {
        var options = _runtime.Options;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking, so a notification that arrives while we look is not lost.
            var wake = _wake.Task;
            TimeSpan wait;
            try
            {
                var claimed = await ClaimAsync(owner, stoppingToken).ConfigureAwait(false);
                await HandleAllAsync(claimed, owner, stoppingToken).ConfigureAwait(false);
                if (claimed.Count == options.BatchSize)
                {
                    continue;
                }
                wait = await NextWaitAsync(stoppingToken).ConfigureAwait(false);
                if (claimed.Count == 0 && wait == TimeSpan.Zero)
                {
                    // Due but nothing claimable: the rows are locked by another transaction (a claim, a cancel in
                    // an open transaction). Back off briefly instead of spinning until it commits.
                    wait = TimeSpan.FromMilliseconds(50);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The loop must outlive any failure (a database restart, a bug in one path): a worker that stops
                // leaves deadlines unchecked. Back off and claim again.
                MessagingLog.LoopFailed(_logger, e);
                wait = options.PollingInterval;
            }
            if (wait > TimeSpan.Zero)
            {
                await WaitAsync(wake, wait, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitAsync(Task wake, TimeSpan wait, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, _runtime.Time, cancel.Token);
        await Task.WhenAny(wake, delay).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Until the next scheduled message is due, but no longer than the polling interval.</summary>
    private async Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken)
    {
        await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.NextDue);
        var next = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        var poll = _runtime.Options.PollingInterval;
        if (next is not DateTime nextDue)
        {
            return poll;
        }
        var untilDue = new DateTimeOffset(nextDue, TimeSpan.Zero) - _runtime.Time.GetUtcNow();
        return untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < poll ? untilDue : poll;
    }

    private async Task<List<ClaimedMessage>> ClaimAsync(string owner, CancellationToken cancellationToken)
    {
        var now = _runtime.Time.GetUtcNow();
        await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.Claim);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("until", now + _runtime.Options.LeaseDuration);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("limit", _runtime.Options.BatchSize);
        var claimed = new List<ClaimedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedMessage(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetInt32(5)));
        }
        claimed.Sort((a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));
        return claimed;
    }

    private async Task HandleAllAsync(List<ClaimedMessage> claimed, string owner, CancellationToken stoppingToken)
    {
        // One connection for the batch, one transaction per message: a failing message rolls back only itself.
        NpgsqlConnection? connection = null;
        try
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    await ReleaseAsync(claimed.Skip(i), owner).ConfigureAwait(false);
                    return;
                }
                try
                {
                    if (connection is not { State: System.Data.ConnectionState.Open })
                    {
                        if (connection is not null)
                        {
                            await connection.DisposeAsync().ConfigureAwait(false);
                        }
                        connection = await _runtime.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                    }
                    await HandleAsync(claimed[i], owner, connection, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Shutting down: the handler's transaction was rolled back; give its message and the rest back
                    // now rather than leaving them until the lease runs out.
                    await ReleaseAsync(claimed.Skip(i), owner).ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(ClaimedMessage message, string owner, NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        var handler = _runtime.Handlers.Find(message.Type);
        if (handler is null)
        {
            await DeadLetterAsync(message, owner, $"No handler for message type '{message.Type}'.", "NoHandler").ConfigureAwait(false);
            return;
        }
        if (message.Attempts > handler.Policy.MaxAttempts)
        {
            // Only reachable when workers died holding the message: a message that kills its worker every time
            // must not be retried for ever.
            await DeadLetterAsync(message, owner, $"Lease expired {message.Attempts - 1} times (the worker stopped while handling it).", "LeaseExpired").ConfigureAwait(false);
            return;
        }

        object body;
        try
        {
            body = _runtime.Deserialize(message.Body, handler.MessageType);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // A body that cannot be read now will not be readable on the next try either.
            await DeadLetterAsync(message, owner, Describe(e), e.GetType().Name).ConfigureAwait(false);
            return;
        }

        using var activity = ActivitySource.StartActivity(
            $"handle {message.Type}", ActivityKind.Consumer, message.Headers.GetValueOrDefault(MessageHeaders.TraceParent));
        activity?.SetTag("messaging.message.id", message.Id);
        activity?.SetTag("messaging.message.type", message.Type);
        activity?.SetTag("messaging.delivery.attempt", message.Attempts);
        try
        {
            MessageContext? context = null;
            var transaction = await connection.BeginTransactionAsync(stoppingToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (await MarkProcessedAsync(connection, transaction, message.Id, stoppingToken).ConfigureAwait(false))
                {
                    var outbox = new MessageOutbox(_runtime, message.Id, message.Headers.GetValueOrDefault(MessageHeaders.CorrelationId));
                    context = new MessageContext(message.Id, message.Type, message.Attempts, message.ScheduledAt, message.Headers, connection, transaction, outbox);
                    var scope = _scopes.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        await handler.InvokeAsync(body, context, scope.ServiceProvider, stoppingToken).ConfigureAwait(false);
                    }
                    await outbox.SaveAsync(connection, transaction, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    MessagingLog.Duplicate(_logger, message.Id, message.Type);
                }
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            if (context is not null)
            {
                await context.RunAfterCommitAsync(stoppingToken).ConfigureAwait(false);
            }
            MessagingTelemetry.Handled.Add(1, MessagingTelemetry.TypeTag(message.Type));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (PermanentFailureException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            await DeadLetterAsync(message, owner, Describe(e), e.GetType().Name).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A handler may throw anything; every failure must be counted, retried or dead-lettered.
        catch (Exception e)
#pragma warning restore CA1031
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            if (e is PostgresException)
            {
                // The next messages of the batch use this connection too (see PreparedStatements).
                PreparedStatements.ForgetAfterFailure(connection);
            }
            await FailAsync(message, handler.Policy, owner, e).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records the message id as processed and removes the message, in the handler's transaction, in one round
    /// trip. False when the id was processed before: a second delivery then has no second effect.
    /// </summary>
    private async Task<bool> MarkProcessedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var processed = new NpgsqlBatchCommand(_runtime.Sql.MarkProcessed);
        processed.Parameters.AddWithValue("id", id);
        processed.Parameters.AddWithValue("now", _runtime.Time.GetUtcNow());
        var delete = new NpgsqlBatchCommand(_runtime.Sql.Delete);
        delete.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(processed);
        batch.BatchCommands.Add(delete);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return processed.RecordsAffected == 1;
    }

    private async Task FailAsync(ClaimedMessage message, RetryPolicy policy, string owner, Exception error)
    {
        if (message.Attempts >= policy.MaxAttempts)
        {
            await DeadLetterAsync(message, owner, Describe(error), error.GetType().Name).ConfigureAwait(false);
            return;
        }
        var retryAt = _runtime.Time.GetUtcNow() + policy.DelayAfter(message.Attempts, Random.Shared.NextDouble());
        await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.Retry);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("next", retryAt);
        command.Parameters.AddWithValue("error", Describe(error));
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        MessagingTelemetry.Retried.Add(1, MessagingTelemetry.TypeTag(message.Type));
        MessagingLog.WillRetry(_logger, message.Id, message.Type, message.Attempts, retryAt, error.GetType().Name);
    }

    private async Task DeadLetterAsync(ClaimedMessage message, string owner, string error, string errorType)
    {
        await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.DeadLetter);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("now", _runtime.Time.GetUtcNow());
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        MessagingTelemetry.DeadLettered.Add(1, MessagingTelemetry.TypeTag(message.Type), new KeyValuePair<string, object?>("error_type", errorType));
        MessagingLog.DeadLettered(_logger, message.Id, message.Type, message.Attempts, errorType);
    }

    private async Task ReleaseAsync(IEnumerable<ClaimedMessage> messages, string owner)
    {
        var ids = messages.Select(m => m.Id).ToArray();
        if (ids.Length == 0)
        {
            return;
        }
        await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.Release);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("owner", owner);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _runtime.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => Wake();
                    await using (var listen = new NpgsqlCommand($"LISTEN {_runtime.Sql.Channel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }
                    // Anything published while we were not listening is found by looking once now.
                    Wake();
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                MessagingLog.ListenFailed(_logger, e);
                try
                {
                    await Task.Delay(_runtime.Options.PollingInterval, _runtime.Time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ForgetProcessedAsync(CancellationToken stoppingToken)
    {
        var options = _runtime.Options;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.ProcessedCleanupInterval, _runtime.Time, stoppingToken).ConfigureAwait(false);
                int deleted;
                do
                {
                    await using var command = _runtime.DataSource.CreateCommand(_runtime.Sql.ForgetProcessed);
                    command.Parameters.AddWithValue("cutoff", _runtime.Time.GetUtcNow() - options.ProcessedRetention);
                    deleted = await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                while (deleted == 10000);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                MessagingLog.LoopFailed(_logger, e);
            }
        }
    }

    // Exception type and message only: stack traces and inner data may carry personal data.
    private static string Describe(Exception e)
    {
        var text = $"{e.GetType().FullName}: {e.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    private sealed record ClaimedMessage(Guid Id, string Type, string Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ScheduledAt, int Attempts);
}
