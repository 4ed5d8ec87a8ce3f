using Takedown.Domain.Deadlines;

namespace Takedown.Domain.Tests.Deadlines;

public class HolidayTests
{
    [Theory]
    [InlineData(2008, "2008-03-23")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2038, "2038-04-25")]
    public void Easter_Sunday_matches_known_dates(int year, string expected) =>
        Easter.Sunday(year).ShouldBe(Iso.Date(expected));

    [Theory]
    [InlineData(2024, "2024-03-29", "2024-04-01", "2024-05-09", "2024-05-20")]
    [InlineData(2025, "2025-04-18", "2025-04-21", "2025-05-29", "2025-06-09")]
    [InlineData(2026, "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25")]
    [InlineData(2027, "2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17")]
    public void Dutch_Easter_based_holidays(int year, string goodFriday, string easterMonday, string ascension, string whitMonday)
    {
        var days = new NetherlandsHolidays().HolidaysIn(year).Select(h => h.Date).ToList();

        days.ShouldContain(Iso.Date(goodFriday));
        days.ShouldContain(Iso.Date(easterMonday));
        days.ShouldContain(Iso.Date(ascension));
        days.ShouldContain(Iso.Date(whitMonday));
    }

    [Theory]
    [InlineData(2014, "2014-04-26")]
    [InlineData(2024, "2024-04-27")]
    [InlineData(2025, "2025-04-26")]
    [InlineData(2026, "2026-04-27")]
    [InlineData(2031, "2031-04-26")]
    public void Kings_Day_is_27_April_or_26_April_when_the_27th_is_a_Sunday(int year, string expected)
    {
        NetherlandsHolidays.KingsDay(year).ShouldBe(Iso.Date(expected));
        new NetherlandsHolidays().HolidayOn(Iso.Date(expected))!.Name.En.ShouldBe("King's Day");
    }

    [Fact]
    public void Dutch_calendar_has_exactly_the_days_of_the_Algemene_termijnenwet_art_3_and_the_2026_decree()
    {
        var days = new NetherlandsHolidays().HolidaysIn(2026).Select(h => h.Date).Order().ToList();

        // Art. 3(1) and (2), plus 2 January and 15 May equated by decree under art. 3(3).
        days.ShouldBe([
            new(2026, 1, 1), new(2026, 1, 2), new(2026, 4, 3), new(2026, 4, 6), new(2026, 4, 27), new(2026, 5, 5),
            new(2026, 5, 14), new(2026, 5, 15), new(2026, 5, 25), new(2026, 12, 25), new(2026, 12, 26),
        ]);
    }

    [Theory]
    [InlineData("2023-04-28")]
    [InlineData("2023-05-19")]
    [InlineData("2024-05-10")]
    [InlineData("2024-12-27")]
    [InlineData("2025-05-30")]
    [InlineData("2026-01-02")]
    [InlineData("2026-05-15")]
    [InlineData("2027-05-07")]
    [InlineData("2028-04-28")]
    [InlineData("2028-05-26")]
    public void Days_equated_by_the_decrees_in_force_under_Atw_art_3_3_are_holidays_without_configuration(string day)
    {
        var holiday = new NetherlandsHolidays().HolidayOn(Iso.Date(day));

        holiday.ShouldNotBeNull();
        holiday.Name.Nl.ShouldContain("Besluit gelijkstelling");
    }

    [Fact]
    public void A_GDPR_month_ending_on_the_Friday_after_Ascension_2026_runs_to_the_next_working_day()
    {
        // Received 15 April 2026: the month ends on Friday 15 May, equated by decree (Atw art. 3(3)), so the
        // answer is due on Monday 18 May (Reg. 1182/71 art. 3(4)).
        DeadlineEngine.Default.GdprAnswer(new(2026, 4, 15), false, [], "NL").DueDate.ShouldBe(new DateOnly(2026, 5, 18));
    }

    [Fact]
    public void Day_equated_by_decree_is_a_holiday_and_moves_a_deadline()
    {
        var equated = new EquatedDay(new(2026, 4, 10), "test decree");
        var engine = new DeadlineEngine(HolidayCalendars.Default(netherlandsEquatedDays: [equated]));

        var holiday = new NetherlandsHolidays([equated]).HolidayOn(new(2026, 4, 10));
        var deadline = engine.GdprAnswer(new(2026, 3, 10), false, [], "NL");

        holiday!.Name.En.ShouldContain("test decree");
        deadline.DueDate.ShouldBe(new DateOnly(2026, 4, 13));
        DeadlineEngine.Default.GdprAnswer(new(2026, 3, 10), false, [], "NL").DueDate.ShouldBe(new DateOnly(2026, 4, 10));
    }

    [Theory]
    [InlineData(2023, "2023-02-06")]
    [InlineData(2026, "2026-02-02")]
    [InlineData(2027, "2027-02-01")]
    [InlineData(2030, "2030-02-01")]
    public void St_Brigids_Day_is_the_first_Monday_in_February_or_1_February_when_that_is_a_Friday(int year, string expected) =>
        new IrelandHolidays().HolidaysIn(year).Single(h => h.Name.En == "St Brigid's Day").Date.ShouldBe(Iso.Date(expected));

    [Fact]
    public void Irish_calendar_for_2025()
    {
        var days = new IrelandHolidays().HolidaysIn(2025).Select(h => h.Date).Order().ToList();

        days.ShouldBe([
            new(2025, 1, 1), new(2025, 2, 3), new(2025, 3, 17), new(2025, 4, 21), new(2025, 5, 5),
            new(2025, 6, 2), new(2025, 8, 4), new(2025, 10, 27), new(2025, 12, 25), new(2025, 12, 26),
        ]);
    }

    [Fact]
    public void No_St_Brigids_Day_before_2023_and_one_off_days_come_as_data()
    {
        new IrelandHolidays().HolidaysIn(2022).ShouldNotContain(h => h.Name.En == "St Brigid's Day");
        new IrelandHolidays([new(new(2022, 3, 18), "Public holiday 2022")]).HolidayOn(new(2022, 3, 18)).ShouldNotBeNull();
    }
}
