using Npgsql;

namespace Takedown.EventStore;

/// <summary>
/// Something that writes in the same PostgreSQL transaction as an <see cref="EventSession"/>'s appends
/// (the durable outbox, an inline projection). Called inside <see cref="EventSession.SaveChangesAsync"/>
/// after the events are written and before the commit: if it throws, nothing is committed.
/// </summary>
public interface ISessionParticipant
{
    Task BeforeCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
