using Marten;

namespace Takedown.Application.EventStorage;

/// <summary>
/// Marten writes each event's CLR type name beside its alias (<c>mt_dotnet_type</c>) to read events whose alias it
/// does not know. Ours are all registered under stable names, so the CLR name is cleared before the session writes:
/// renaming or moving a class can then never change or break what is stored.
/// </summary>
public sealed class StableNamesOnly : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var stream in session.PendingChanges.Streams())
        {
            foreach (var e in stream.Events)
            {
                e.DotNetTypeName = null!;
            }
        }
        return Task.CompletedTask;
    }
}
