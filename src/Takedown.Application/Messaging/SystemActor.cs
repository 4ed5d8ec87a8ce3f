using Marten;
using Takedown.Application.EventStorage;

namespace Takedown.Application.Messaging;

/// <summary>
/// Wolverine middleware: events a handler appends in Wolverine's session are stamped as the system's doing (the
/// correlation and causation ids come from the message, as Wolverine sets them).
/// </summary>
public static class SystemActor
{
    public static void Before(IDocumentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.SetHeader(MartenSetup.ActorHeader, "system");
    }
}
