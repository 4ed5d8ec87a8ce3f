using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Deadlines;

/// <summary>
/// Our own targets for a platform's answer to a DSA Art. 16 notice. The DSA only asks for a "timely" decision
/// (Art. 16(6)); these are product settings, per category with per-platform overrides.
/// </summary>
public sealed class ResponseTargets(
    IReadOnlyDictionary<ReportCategory, TimeSpan> byCategory,
    IReadOnlyDictionary<string, IReadOnlyDictionary<ReportCategory, TimeSpan>>? byPlatform = null)
{
    public static ResponseTargets Default { get; } = new(new Dictionary<ReportCategory, TimeSpan>
    {
        [ReportCategory.Threats] = TimeSpan.FromHours(24),
        [ReportCategory.IntimateImages] = TimeSpan.FromHours(48),
        [ReportCategory.Doxing] = TimeSpan.FromHours(72),
        [ReportCategory.Stalking] = TimeSpan.FromHours(72),
    });

    public TimeSpan For(string platform, ReportCategory category)
    {
        if (byPlatform is not null
            && byPlatform.FirstOrDefault(p => string.Equals(p.Key, platform, StringComparison.OrdinalIgnoreCase)).Value is { } overrides
            && overrides.TryGetValue(category, out var specific))
        {
            return specific;
        }

        return byCategory.TryGetValue(category, out var target) ? target : TimeSpan.FromDays(7);
    }
}
