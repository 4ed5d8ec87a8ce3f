namespace Takedown.Domain.Deadlines;

/// <summary>
/// Dates written out in Dutch and English. Spelled out here rather than taken from CultureInfo so an
/// explanation reads the same on every machine, whatever culture data it has.
/// </summary>
public static class DateText
{
    private static readonly string[] DaysNl = ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"];
    private static readonly string[] DaysEn = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] MonthsNl = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
    private static readonly string[] MonthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Nl(DateOnly date) => $"{DaysNl[(int)date.DayOfWeek]} {date.Day} {MonthsNl[date.Month - 1]} {date.Year}";

    public static string En(DateOnly date) => $"{DaysEn[(int)date.DayOfWeek]} {date.Day} {MonthsEn[date.Month - 1]} {date.Year}";

    public static LocalizedText Of(DateOnly date) => new(Nl(date), En(date));

    public static LocalizedText Of(DateTimeOffset local) =>
        new($"{Nl(DateOnly.FromDateTime(local.DateTime))} {local.Hour:00}:{local.Minute:00}",
            $"{En(DateOnly.FromDateTime(local.DateTime))} {local.Hour:00}:{local.Minute:00}");
}
