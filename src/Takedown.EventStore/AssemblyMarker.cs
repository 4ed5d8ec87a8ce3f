namespace Takedown.EventStore;
internal static class AssemblyMarker;
