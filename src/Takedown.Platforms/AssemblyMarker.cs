namespace Takedown.Platforms;
internal static class AssemblyMarker;
