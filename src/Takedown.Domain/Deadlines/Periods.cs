namespace Takedown.Domain.Deadlines;

/// <summary>
/// Periods per Regulation (EEC, Euratom) No 1182/71, art. 3: the day of the event does not count; a period in
/// months ends with the day in the last month that has the same date as the day of the event, or the last day
/// of that month when there is no such date; a period whose last day is a Saturday, Sunday or public holiday
/// ends at the end of the next working day.
/// </summary>
public static class Periods
{
    /// <summary>Art. 3(1) and 3(2)(c): the last day of a period of <paramref name="months"/> running from <paramref name="eventDay"/>.</summary>
    public static DateOnly LastDayOfMonths(DateOnly eventDay, int months)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(months);
        var year = eventDay.Year + ((eventDay.Month - 1 + months) / 12);
        var month = ((eventDay.Month - 1 + months) % 12) + 1;
        // 31 January + 1 month: there is no 31 February, so the period ends on the last day of February.
        var day = Math.Min(eventDay.Day, DateTime.DaysInMonth(year, month));
        return new DateOnly(year, month, day);
    }

    /// <summary>Art. 3(4): the day itself when it is a working day, otherwise the next working day.</summary>
    public static DateOnly OnOrNextWorkingDay(DateOnly day, IHolidayCalendar calendar)
    {
        while (!calendar.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>The instant a day ends (24:00 local, i.e. the next midnight), whatever the UTC offset that day.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, TimeZoneInfo zone) => StartOfDay(day.AddDays(1), zone);

    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A zone that skips midnight on a DST change starts that day at the first valid minute.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
