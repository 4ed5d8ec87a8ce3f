using FsCheck.Xunit;
using Takedown.Domain.Deadlines;

namespace Takedown.Domain.Tests.Deadlines;

public class DeadlinePropertyTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;
    private static readonly DateOnly Epoch = new(2000, 1, 1);

    // Any receipt date from 2000 to 2099.
    private static DateOnly Day(int n) => Epoch.AddDays(((n % 36500) + 36500) % 36500);

    private static string Country(bool ireland) => ireland ? "IE" : "NL";

    [Property(MaxTest = 2000, EndSize = 36500)]
    public bool Deadline_is_never_before_the_naive_date(int n, bool extended, bool ireland)
    {
        var receipt = Day(n);
        var naive = receipt.AddMonths(extended ? 3 : 1);
        return Engine.GdprAnswer(receipt, extended, [], Country(ireland)).DueDate >= naive;
    }

    [Property(MaxTest = 2000, EndSize = 36500)]
    public bool Deadline_is_at_most_four_days_after_the_naive_date(int n, bool extended, bool ireland)
    {
        // The longest run of non-working days is four (Christmas on a Thursday; Good Friday to Easter Monday).
        var receipt = Day(n);
        var naive = receipt.AddMonths(extended ? 3 : 1);
        return Engine.GdprAnswer(receipt, extended, [], Country(ireland)).DueDate.DayNumber - naive.DayNumber <= 4;
    }

    [Property(MaxTest = 2000, EndSize = 36500)]
    public bool Deadline_is_never_on_a_weekend_or_holiday(int n, bool extended, bool ireland)
    {
        var calendar = Engine.Calendars.For(Country(ireland));
        var due = Engine.GdprAnswer(Day(n), extended, [], calendar.CountryCode).DueDate;
        return due.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && calendar.HolidayOn(due) is null;
    }

    [Property(MaxTest = 2000, EndSize = 36500)]
    public bool Deadline_is_monotonic_in_the_receipt_date(int a, int b, bool extended, bool ireland)
    {
        var (early, late) = Day(a) <= Day(b) ? (Day(a), Day(b)) : (Day(b), Day(a));
        return Engine.GdprAnswer(early, extended, [], Country(ireland)).DueDate
            <= Engine.GdprAnswer(late, extended, [], Country(ireland)).DueDate;
    }

    [Property(MaxTest = 1000, EndSize = 36500)]
    public bool A_pause_never_makes_the_deadline_earlier(int n, byte start, byte length)
    {
        var receipt = Day(n);
        var from = receipt.AddDays(start % 31);
        var pause = new ClockPause(from, from.AddDays(length % 20));
        return Engine.GdprAnswer(receipt, false, [pause], "NL").DueDate >= Engine.GdprAnswer(receipt, false, [], "NL").DueDate;
    }

    [Property(MaxTest = 1000, EndSize = 36500)]
    public bool Due_instant_is_local_midnight_after_the_due_day(int n, bool ireland)
    {
        var calendar = Engine.Calendars.For(Country(ireland));
        var deadline = Engine.GdprAnswer(Day(n), false, [], calendar.CountryCode);
        var local = TimeZoneInfo.ConvertTime(deadline.DueAt, calendar.TimeZone);
        return DateOnly.FromDateTime(local.DateTime) == deadline.DueDate.AddDays(1) && local.TimeOfDay == TimeSpan.Zero;
    }

    [Property(MaxTest = 1000, EndSize = 36500)]
    public bool Extended_deadline_is_never_before_the_unextended_one(int n, bool ireland) =>
        Engine.GdprAnswer(Day(n), true, [], Country(ireland)).DueDate > Engine.GdprAnswer(Day(n), false, [], Country(ireland)).DueDate;
}
