using Npgsql;

namespace Takedown.Messaging;

/// <summary>
/// What a handler knows about the message it handles, and the transaction it handles it in: write to
/// <see cref="Connection"/>/<see cref="Transaction"/> (or run an event store session in them) and the effects commit
/// together with marking the message handled. Messages published here go out in the same transaction.
/// </summary>
public sealed class MessageContext : IMessageOutbox
{
    internal MessageContext(Guid messageId, string messageType, int attempt, DateTimeOffset scheduledAt,
        IReadOnlyDictionary<string, string> headers, NpgsqlConnection connection, NpgsqlTransaction transaction, MessageOutbox outbox)
    {
        MessageId = messageId;
        MessageType = messageType;
        Attempt = attempt;
        ScheduledAt = scheduledAt;
        Headers = headers;
        Connection = connection;
        Transaction = transaction;
        Outbox = outbox;
    }

    /// <summary>The message's id, the same on every delivery.</summary>
    public Guid MessageId { get; }

    /// <summary>The message's stable type name.</summary>
    public string MessageType { get; }

    /// <summary>Which delivery this is, starting at 1.</summary>
    public int Attempt { get; }

    /// <summary>When the message was due.</summary>
    public DateTimeOffset ScheduledAt { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? CorrelationId => Headers.GetValueOrDefault(MessageHeaders.CorrelationId);

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The outbox of follow-up messages, saved in <see cref="Transaction"/> before it commits.</summary>
    public MessageOutbox Outbox { get; }

    /// <summary>
    /// A key for an effect outside our database (an e-mail, a platform call) that stays the same when this
    /// message is delivered again, so the receiver can drop the duplicate.
    /// </summary>
    public string IdempotencyKey(string effect) => $"{MessageId:N}:{effect}";

    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];

    /// <summary>
    /// Runs <paramref name="action"/> once the handler's transaction has committed (e.g. sending what another engine's
    /// outbox stored in it). A failure there is not the message's: what was stored is recovered from the database.
    /// </summary>
    public void AfterCommit(Func<CancellationToken, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _afterCommit.Add(action);
    }

    internal async Task RunAfterCommitAsync(CancellationToken cancellationToken)
    {
        foreach (var action in _afterCommit)
        {
            await action(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Guid Publish(object message) => Outbox.Publish(message);

    /// <inheritdoc />
    public Guid Schedule(object message, DateTimeOffset at) => Outbox.Schedule(message, at);

    /// <inheritdoc />
    public void Cancel(Guid messageId) => Outbox.Cancel(messageId);
}
