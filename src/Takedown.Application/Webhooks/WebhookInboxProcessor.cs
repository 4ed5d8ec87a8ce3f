using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Takedown.Application.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.Webhooks;

/// <summary>Wakes the inbox processor of this process when the webhook endpoint has stored an update.</summary>
public sealed class WebhookInboxSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Dispose() => _pending.Dispose();

    public void Notify()
    {
        // One wake-up is enough however many updates came in: the processor takes them all in batches.
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Waits for a notification or until <paramref name="timeout"/> passes on <paramref name="time"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _pending.WaitAsync(linked.Token);
        var delay = Task.Delay(timeout, time, linked.Token);
        await Task.WhenAny(signalled, delay);
        await linked.CancelAsync();
        // A notification taken by the cancelled wait is not lost: WaitAsync only takes it when it completes.
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Settings of the incoming webhook inbox (<c>Webhooks:Inbox</c>).</summary>
public sealed class WebhookInboxOptions
{
    /// <summary>
    /// Whether this host applies the inbox. A host that only receives (an API host beside workers that apply) sets
    /// it to false; some host must apply, or updates wait.
    /// </summary>
    public bool Apply { get; set; } = true;

    /// <summary>Updates applied in one transaction.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// How long the processor lets updates gather after a wake-up or a part-filled batch before it claims the next
    /// batch: a few milliseconds of delay in applying an update buy batches instead of one transaction per update.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the inbox is read when nothing wakes the processor (updates left by a stopped process, retries).</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a host that does not apply (<see cref="Apply"/> false) lets an update it received wait in plaintext
    /// before it seals the body with the case's key. In normal operation a worker applies (and clears) it well within
    /// this, so the host writes nothing more; when no worker applies (stopped, or far behind), waiting bodies are
    /// sealed after this long. Zero seals right after every accept, at the price of a second write per update.
    /// </summary>
    public TimeSpan SealAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a finished inbox row (its id, outcome and report) is kept. Replays are refused after five minutes by
    /// the signature's timestamp, so the rows only serve an operator's questions.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Applies the status updates waiting in the webhook inbox, woken by the endpoint of this process and polling for the
/// rest. Every host runs one; they share the inbox through <c>FOR UPDATE SKIP LOCKED</c>. Finished rows older than
/// <see cref="WebhookInboxOptions.Retention"/> are deleted once an hour. At start-up every host seals the plaintext
/// bodies still waiting (some stored before bodies were sealed); a host that does not apply then seals, after
/// <see cref="WebhookInboxOptions.SealAfter"/>, the bodies of the updates it received that no worker applied meanwhile.
/// </summary>
public sealed partial class WebhookInboxProcessor(
    PlatformStatusWebhooks webhooks, WebhookInboxSignal signal, WebhookInboxOptions options, NpgsqlDataSource dataSource,
    DatabaseOptions storeOptions, TimeProvider time, ILogger<WebhookInboxProcessor> logger) : BackgroundService
{
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await SealWaitingAsync(time.GetUtcNow(), stoppingToken))
        {
            return;
        }
        if (!options.Apply)
        {
            await SealReceivedAsync(stoppingToken);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var finished = 0;
            try
            {
                finished = await webhooks.ApplyPendingAsync(options.BatchSize, stoppingToken);
                if (finished == 0)
                {
                    await PruneIfDueAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database is away: the updates wait in the inbox, durable, until it is back.
                LogApplyFailed(logger, e.GetType().Name);
            }
            if (finished >= options.BatchSize)
            {
                continue;
            }
            try
            {
                if (finished == 0)
                {
                    await signal.WaitAsync(options.PollingInterval, time, stoppingToken);
                }
                if (options.Linger > TimeSpan.Zero)
                {
                    await Task.Delay(options.Linger, time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A host that only receives: after each wake-up by its endpoint (or a minute without one), waits
    /// <see cref="WebhookInboxOptions.SealAfter"/> and seals what is still waiting in plaintext from before then.
    /// </summary>
    private async Task SealReceivedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMinutes(1), time, stoppingToken);
                if (options.SealAfter > TimeSpan.Zero)
                {
                    await Task.Delay(options.SealAfter, time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!await SealWaitingAsync(time.GetUtcNow() - options.SealAfter, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>Seals waiting plaintext bodies received up to <paramref name="receivedBefore"/>; false when the host is stopping.</summary>
    private async Task<bool> SealWaitingAsync(DateTimeOffset receivedBefore, CancellationToken stoppingToken)
    {
        try
        {
            var count = await webhooks.SealWaitingAsync(receivedBefore, options.BatchSize, stoppingToken);
            if (count > 0)
            {
                LogSealed(logger, count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is away: the bodies are sealed at the next wake-up, or applied and cleared by a worker.
            LogSealingFailed(logger, e.GetType().Name);
        }
        return true;
    }

    private async Task PruneIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _prunedAt < TimeSpan.FromHours(1))
        {
            return;
        }
        _prunedAt = now;
        await using var command = dataSource.CreateCommand(
            $"DELETE FROM {storeOptions.Schema}.webhook_inbox WHERE outcome NOT IN ('pending', 'failed') AND received_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = now - options.Retention });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying incoming status updates failed ({Error}); they wait in the inbox")]
    private static partial void LogApplyFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Count} waiting status update bodies")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing waiting status update bodies failed ({Error}); trying again later")]
    private static partial void LogSealingFailed(ILogger logger, string error);
}
