namespace Takedown.Application;
internal static class AssemblyMarker;
