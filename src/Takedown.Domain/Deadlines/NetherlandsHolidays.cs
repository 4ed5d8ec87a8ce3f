namespace Takedown.Domain.Deadlines;

/// <summary>
/// Algemeen erkende feestdagen, Algemene termijnenwet art. 3, plus days equated to them by decree
/// (art. 3(3)): the decrees in force ship as <see cref="Decreed"/>, and a later decree comes in as data
/// (<paramref name="extraEquatedDays"/>) until a release adds it. King's Day per the Wet vaststelling Koningsdag
/// (from 2014); earlier years have Queen's Day, 30 April, or 29 April when the 30th is a Sunday.
/// </summary>
public sealed class NetherlandsHolidays(IEnumerable<EquatedDay>? extraEquatedDays = null) : IHolidayCalendar
{
    private const string Decree2023 = "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag";
    private const string Decree2026 = "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag";

    /// <summary>
    /// The days equated to public holidays by the decrees under Atw art. 3(3) published in the Staatscourant for
    /// 2023 to 2028 (bridge days: the Friday after Ascension Day, and after a holiday that falls on a Thursday).
    /// Without them a deadline could fall a day early and an escalation fire too soon.
    /// </summary>
    public static IReadOnlyList<EquatedDay> Decreed { get; } =
    [
        new(new(2023, 4, 28), Decree2023), new(new(2023, 5, 19), Decree2023), new(new(2024, 5, 10), Decree2023),
        new(new(2024, 12, 27), Decree2023), new(new(2025, 5, 30), Decree2023),
        new(new(2026, 1, 2), Decree2026), new(new(2026, 5, 15), Decree2026), new(new(2027, 5, 7), Decree2026),
        new(new(2028, 4, 28), Decree2026), new(new(2028, 5, 26), Decree2026),
    ];

    private readonly EquatedDay[] equated = [.. Decreed, .. extraEquatedDays ?? []];

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
            .Where(e => e.Date.Year == year)
            .DistinctBy(e => e.Date)
            .Where(e => days.TrueForAll(d => d.Date != e.Date))
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
