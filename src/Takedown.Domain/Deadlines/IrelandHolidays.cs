namespace Takedown.Domain.Deadlines;

/// <summary>
/// Public holidays in Ireland, Organisation of Working Time Act 1997, Second Schedule, as amended
/// (St Brigid's Day from 2023 by S.I. No. 50/2022). One-off days (e.g. 18 March 2022) come in as data.
/// Good Friday is not a public holiday in Ireland.
/// </summary>
public sealed class IrelandHolidays(IEnumerable<EquatedDay>? extraDays = null) : IHolidayCalendar
{
    private readonly EquatedDay[] extra = [.. extraDays ?? []];

    public string CountryCode => "IE";

    public TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Dublin");

    public IReadOnlyList<Holiday> HolidaysIn(int year)
    {
        List<Holiday> days =
        [
            new(new DateOnly(year, 1, 1), new("Nieuwjaarsdag", "New Year's Day")),
            new(new DateOnly(year, 3, 17), new("Sint-Patricksdag", "St Patrick's Day")),
            new(Easter.Sunday(year).AddDays(1), new("Paasmaandag", "Easter Monday")),
            new(FirstMonday(year, 5), new("Meifeestdag (eerste maandag van mei)", "May Day (first Monday in May)")),
            new(FirstMonday(year, 6), new("Junifeestdag (eerste maandag van juni)", "June Bank Holiday (first Monday in June)")),
            new(FirstMonday(year, 8), new("Augustusfeestdag (eerste maandag van augustus)", "August Bank Holiday (first Monday in August)")),
            new(LastMonday(year, 10), new("Oktoberfeestdag (laatste maandag van oktober)", "October Bank Holiday (last Monday in October)")),
            new(new DateOnly(year, 12, 25), new("Eerste Kerstdag", "Christmas Day")),
            new(new DateOnly(year, 12, 26), new("Sint-Stefanusdag", "St Stephen's Day")),
        ];
        if (year >= 2023)
        {
            // The first Monday in February, or 1 February itself when that is a Friday.
            var first = new DateOnly(year, 2, 1);
            days.Add(new(first.DayOfWeek == DayOfWeek.Friday ? first : FirstMonday(year, 2), new("Sint-Brigidadag", "St Brigid's Day")));
        }

        days.AddRange(extra
            .Where(e => e.Date.Year == year && days.TrueForAll(d => d.Date != e.Date))
            .Select(e => new Holiday(e.Date, new($"eenmalige feestdag ({e.Source})", $"one-off public holiday ({e.Source})"))));
        return days;
    }

    private static DateOnly FirstMonday(int year, int month)
    {
        var day = new DateOnly(year, month, 1);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var day = new DateOnly(year, month, 1).AddMonths(1).AddDays(-1);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(-1);
        }

        return day;
    }
}
