using System.Diagnostics;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Takedown.Domain;

namespace Takedown.Application.EventStorage;

/// <summary>
/// An "append events" span (source "Takedown") around each session's write, under the request or message that appends:
/// stable event names and counts only, never their data, which holds victims' personal data.
/// </summary>
public sealed class AppendTracing : DocumentSessionListenerBase
{
    private readonly ConditionalWeakTable<IDocumentSession, Activity> _running = new();

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(session);
        var streams = session.PendingChanges.Streams().Where(s => s.Events.Count > 0).ToList();
        if (streams.Count == 0 || TakedownMetrics.Source.StartActivity("append events") is not { } activity)
        {
            return Task.CompletedTask;
        }
        activity.SetTag("takedown.events.count", streams.Sum(s => s.Events.Count));
        activity.SetTag("takedown.events.streams", streams.Count);
        activity.SetTag("takedown.events.types", string.Join(',', streams.SelectMany(s => s.Events).Select(NameOf).Distinct()));
        _running.AddOrUpdate(session, activity);
        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (_running.TryGetValue(session, out var activity))
        {
            _running.Remove(session);
            activity.Dispose();
        }
        return Task.CompletedTask;
    }

    private static string NameOf(IEvent e) => e.EventTypeName ?? DomainEvents.NameOf(e.Data.GetType());
}
