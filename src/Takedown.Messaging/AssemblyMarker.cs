namespace Takedown.Messaging;
internal static class AssemblyMarker;
