namespace Takedown.Domain.Deadlines;

/// <summary>
/// Algemeen erkende feestdagen, Algemene termijnenwet art. 3, plus days equated to them by decree
/// (art. 3(3)), which come in as data. King's Day per the Wet vaststelling Koningsdag (from 2014);
/// earlier years have Queen's Day, 30 April, or 29 April when the 30th is a Sunday.
/// </summary>
public sealed class NetherlandsHolidays(IEnumerable<EquatedDay>? equatedDays = null) : IHolidayCalendar
{
    private readonly EquatedDay[] equated = [.. equatedDays ?? []];

    public string CountryCode => "NL";

    public TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public IReadOnlyList<Holiday> HolidaysIn(int year)
    {
        var easter = Easter.Sunday(year);
        List<Holiday> days =
        [
            new(new DateOnly(year, 1, 1), new("Nieuwjaarsdag", "New Year's Day")),
            new(easter.AddDays(-2), new("Goede Vrijdag", "Good Friday")),
            new(easter.AddDays(1), new("Tweede Paasdag", "Easter Monday")),
            new(KingsDay(year), year >= 2014 ? new("Koningsdag", "King's Day") : new("Koninginnedag", "Queen's Day")),
            new(new DateOnly(year, 5, 5), new("Bevrijdingsdag (5 mei)", "Liberation Day (5 May)")),
            new(easter.AddDays(39), new("Hemelvaartsdag", "Ascension Day")),
            new(easter.AddDays(50), new("Tweede Pinksterdag", "Whit Monday")),
            new(new DateOnly(year, 12, 25), new("Eerste Kerstdag", "Christmas Day")),
            new(new DateOnly(year, 12, 26), new("Tweede Kerstdag", "Boxing Day")),
        ];
        days.AddRange(equated
            .Where(e => e.Date.Year == year && days.TrueForAll(d => d.Date != e.Date))
            .Select(e => new Holiday(e.Date, new($"met een feestdag gelijkgestelde dag ({e.Source})", $"day equated to a public holiday ({e.Source})"))));
        return days;
    }

    public static DateOnly KingsDay(int year)
    {
        if (year >= 2014)
        {
            var kingsDay = new DateOnly(year, 4, 27);
            return kingsDay.DayOfWeek == DayOfWeek.Sunday ? kingsDay.AddDays(-1) : kingsDay;
        }

        var queensDay = new DateOnly(year, 4, 30);
        return queensDay.DayOfWeek == DayOfWeek.Sunday ? queensDay.AddDays(-1) : queensDay;
    }
}
