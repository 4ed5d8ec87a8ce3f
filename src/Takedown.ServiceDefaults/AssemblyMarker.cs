namespace Takedown.ServiceDefaults;
internal static class AssemblyMarker;
