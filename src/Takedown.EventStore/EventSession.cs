namespace Takedown.EventStore;

/// <summary>Placeholder: the unit of work over the event store (appends + participants, one transaction).</summary>
public sealed class EventSession
{
    private readonly List<ISessionParticipant> _participants = [];

    /// <summary>Adds a writer that commits or rolls back together with this session's events.</summary>
    public void Enlist(ISessionParticipant participant) => _participants.Add(participant);

    /// <summary>Writes the events, then every participant, in one transaction.</summary>
    public Task SaveChangesAsync(CancellationToken cancellationToken = default) =>
        _participants.Count == 0 ? Task.CompletedTask : throw new NotSupportedException("placeholder");
}
