namespace Takedown.Messaging;

/// <summary>
/// Messages to send when the surrounding PostgreSQL transaction commits, and only then. Nothing is written until
/// the outbox is saved in that transaction (see <see cref="MessageOutbox.SaveAsync"/>), so a rolled-back command
/// leaves no message behind and a committed one never loses its messages.
/// </summary>
public interface IMessageOutbox
{
    /// <summary>Sends <paramref name="message"/> as soon as the transaction commits; returns its message id.</summary>
    Guid Publish(object message);

    /// <summary>Delivers <paramref name="message"/> at <paramref name="at"/> (or at once if that has passed); returns its message id.</summary>
    Guid Schedule(object message, DateTimeOffset at);

    /// <summary>
    /// Withdraws a message not yet handled (a deadline check made moot by an answer) when the transaction commits.
    /// A message already being handled is not stopped, so handlers still check the state they act on.
    /// </summary>
    void Cancel(Guid messageId);
}
