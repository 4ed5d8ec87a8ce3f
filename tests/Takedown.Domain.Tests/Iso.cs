using System.Globalization;

namespace Takedown.Domain.Tests;

internal static class Iso
{
    public static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
