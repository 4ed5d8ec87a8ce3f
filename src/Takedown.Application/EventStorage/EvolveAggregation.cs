using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Takedown.Application.EventStorage;

/// <summary>
/// Marten folds a stream with the aggregate's own pure <c>Evolve</c> (the domain knows nothing of Marten), for
/// <c>FetchForWriting</c>, <c>AggregateStreamAsync</c> and, when registered inline or async, a stored snapshot.
/// </summary>
public sealed class EvolveAggregation<T>(T initial, Func<T, object, T> evolve) : SingleStreamProjection<T, Guid> where T : class
{
    public override T Evolve(T? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return evolve(snapshot ?? initial, e.Data);
    }
}
