namespace Takedown.Letters;
internal static class AssemblyMarker;
