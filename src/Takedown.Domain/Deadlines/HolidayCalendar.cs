namespace Takedown.Domain.Deadlines;

public sealed record Holiday(DateOnly Date, LocalizedText Name);

/// <summary>A day equated to a public holiday by decree, kept as data so it can change without a release.</summary>
public sealed record EquatedDay(DateOnly Date, string Source);

/// <summary>The public holidays and time zone of the member state where a party must act.</summary>
public interface IHolidayCalendar
{
    /// <summary>ISO 3166-1 alpha-2, upper case ("NL", "IE").</summary>
    string CountryCode { get; }

    TimeZoneInfo TimeZone { get; }

    IReadOnlyList<Holiday> HolidaysIn(int year);
}

public static class HolidayCalendarExtensions
{
    public static Holiday? HolidayOn(this IHolidayCalendar calendar, DateOnly date) =>
        calendar.HolidaysIn(date.Year).FirstOrDefault(h => h.Date == date);

    public static bool IsWorkingDay(this IHolidayCalendar calendar, DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && calendar.HolidayOn(date) is null;
}

/// <summary>The calendars the engine knows, by country code.</summary>
public sealed class HolidayCalendars
{
    private readonly Dictionary<string, IHolidayCalendar> byCountry;

    public HolidayCalendars(IEnumerable<IHolidayCalendar> calendars) =>
        byCountry = calendars.ToDictionary(c => c.CountryCode, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The Netherlands (with the decreed days in force, <see cref="NetherlandsHolidays.Decreed"/>, plus any later ones
    /// passed in as data) and Ireland.
    /// </summary>
    public static HolidayCalendars Default(IEnumerable<EquatedDay>? netherlandsEquatedDays = null, IEnumerable<EquatedDay>? irelandExtraDays = null) =>
        new([new NetherlandsHolidays(netherlandsEquatedDays), new IrelandHolidays(irelandExtraDays)]);

    public IEnumerable<string> Countries => byCountry.Keys;

    public bool Supports(string countryCode) => byCountry.ContainsKey(countryCode);

    public IHolidayCalendar For(string countryCode) =>
        byCountry.TryGetValue(countryCode, out var calendar)
            ? calendar
            : throw new DomainRuleViolated($"No public-holiday calendar for country '{countryCode}'; known: {string.Join(", ", byCountry.Keys)}.");
}
