using Takedown.Domain.Deadlines;

namespace Takedown.Domain.Tests.Deadlines;

/// <summary>GDPR Art. 12(3) answer deadlines with their legally correct answers (Reg. 1182/71 art. 3, Algemene termijnenwet art. 3).</summary>
public class DeadlineTableTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;

    public static TheoryData<string, string, bool, string, string> Cases => new()
    {
        // receipt, country, extended, due date, why
        { "2025-03-10", "NL", false, "2025-04-10", "plain month, a Thursday" },
        { "2025-03-31", "NL", false, "2025-04-30", "31 March: April has no 31st, so the last day of April" },
        { "2025-01-31", "NL", false, "2025-02-28", "31 January, not a leap year" },
        { "2024-01-31", "NL", false, "2024-02-29", "31 January in a leap year" },
        { "2024-02-29", "NL", false, "2024-04-02", "29 Feb -> 29 March 2024 is Good Friday, then Easter weekend and Easter Monday" },
        { "2025-01-15", "NL", false, "2025-02-17", "15 Feb 2025 is a Saturday" },
        { "2026-03-27", "NL", false, "2026-04-28", "27 April 2026 is King's Day on a Monday" },
        { "2026-03-06", "NL", false, "2026-04-07", "6 April 2026 is Easter Monday" },
        { "2027-02-26", "NL", false, "2027-03-30", "26 March 2027 is Good Friday; Easter Monday is 29 March" },
        { "2025-04-29", "NL", false, "2025-06-02", "29 May 2025 is Ascension Day, Friday 30 May is equated by decree (Atw art. 3(3)), then the weekend" },
        { "2024-04-20", "NL", false, "2024-05-21", "20 May 2024 is Whit Monday" },
        { "2026-04-05", "NL", false, "2026-05-06", "5 May is a holiday every year in the Algemene termijnenwet" },
        { "2025-11-25", "NL", false, "2025-12-29", "Christmas Day, Boxing Day and a weekend" },
        { "2025-12-01", "NL", false, "2026-01-05", "New Year's Day, Friday 2 January 2026 equated by decree (Atw art. 3(3)), then the weekend" },
        { "2025-01-31", "NL", true, "2025-04-30", "extended: three months from receipt, April has no 31st" },
        { "2025-01-26", "NL", true, "2025-04-28", "extended into King's Day 2025 (Saturday 26 April, the 27th being a Sunday)" },
        { "2024-11-30", "NL", true, "2025-02-28", "extended across the year end" },
        { "2025-02-17", "NL", false, "2025-03-17", "St Patrick's Day is no holiday in the Netherlands" },
        { "2025-02-17", "IE", false, "2025-03-18", "St Patrick's Day in Ireland" },
        { "2026-01-02", "IE", false, "2026-02-03", "St Brigid's Day 2026: first Monday in February" },
        { "2029-12-01", "IE", false, "2030-01-02", "New Year's Day in Ireland" },
        { "2027-02-26", "IE", false, "2027-03-26", "Good Friday is no public holiday in Ireland" },
        { "2025-09-27", "IE", false, "2025-10-28", "last Monday of October in Ireland" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answer_deadline_is_legally_correct(string receipt, string country, bool extended, string expected, string why)
    {
        var deadline = Engine.GdprAnswer(Iso.Date(receipt), extended, [], country);

        deadline.DueDate.ShouldBe(Iso.Date(expected), why);
    }

    [Fact]
    public void Pause_for_identity_check_moves_the_deadline_by_the_days_the_clock_stood_still()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [new(new(2025, 3, 20), new(2025, 3, 25))], "NL");

        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 15));
        deadline.Explanation.En.ShouldContain("stood still for 5 days");
        deadline.Explanation.Nl.ShouldContain("5 dagen stil");
    }

    [Fact]
    public void Pause_that_pushes_the_deadline_onto_Good_Friday_moves_it_past_Easter_Monday()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [new(new(2025, 3, 12), new(2025, 3, 20))], "NL");

        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 22));
    }

    [Fact]
    public void Open_pause_counts_up_to_today_and_says_the_clock_is_stopped()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [new(new(2025, 3, 20), null)], "NL", today: new(2025, 3, 23));

        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 14));
        deadline.Explanation.En.ShouldContain("has been stopped since Thursday 20 March 2025");
    }

    [Fact]
    public void Explanation_names_the_holiday_and_the_day_the_deadline_moves_to()
    {
        var deadline = Engine.GdprAnswer(new(2026, 3, 27), false, [], "NL");

        deadline.Explanation.En.ShouldBe(
            "One month after receipt on Friday 27 March 2026 (GDPR Art. 12(3); Regulation 1182/71): Monday 27 April 2026. "
            + "Monday 27 April 2026 (King's Day) is not a working day in NL, so the deadline moves to the end of the next working day, Tuesday 28 April 2026 (Regulation 1182/71 Art. 3(4)). "
            + "The controller's answer is due by 24:00 on Tuesday 28 April 2026 (Europe/Amsterdam).");
        deadline.Explanation.Nl.ShouldContain(". Maandag 27 april 2026 (Koningsdag) is geen werkdag in NL");
        deadline.Explanation.Nl.ShouldContain("dinsdag 28 april 2026");
    }

    [Fact]
    public void Explanation_of_a_weekend_lists_each_skipped_day()
    {
        var deadline = Engine.GdprAnswer(new(2025, 11, 25), false, [], "NL");

        deadline.Explanation.En.ShouldContain(
            "Thursday 25 December 2025 (Christmas Day), Friday 26 December 2025 (Boxing Day), Saturday 27 December 2025, Sunday 28 December 2025 are not working days");
    }

    [Fact]
    public void Due_instant_is_midnight_at_the_end_of_the_due_day_in_winter_time()
    {
        var deadline = Engine.GdprAnswer(new(2025, 2, 28), false, [], "NL");

        deadline.DueDate.ShouldBe(new DateOnly(2025, 3, 28));
        deadline.DueAt.ShouldBe(new DateTimeOffset(2025, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Due_instant_is_midnight_at_the_end_of_the_due_day_in_summer_time_after_the_clocks_changed()
    {
        // The clock moved to summer time on 30 March 2025; the date stays the same, the offset changes.
        var deadline = Engine.GdprAnswer(new(2025, 3, 1), false, [], "NL");

        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 1));
        deadline.DueAt.ShouldBe(new DateTimeOffset(2025, 4, 2, 0, 0, 0, TimeSpan.FromHours(2)));
        deadline.DueAt.UtcDateTime.ShouldBe(new DateTime(2025, 4, 1, 22, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Deadline_expires_exactly_at_the_end_of_the_due_day()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [], "NL");

        deadline.IsExpiredAt(new DateTimeOffset(2025, 4, 10, 23, 59, 59, TimeSpan.FromHours(2))).ShouldBeFalse();
        deadline.IsExpiredAt(new DateTimeOffset(2025, 4, 11, 0, 0, 0, TimeSpan.FromHours(2))).ShouldBeTrue();
    }

    [Fact]
    public void Irish_controller_deadline_ends_at_midnight_in_Dublin()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [], "IE");

        deadline.DueAt.ShouldBe(new DateTimeOffset(2025, 4, 11, 0, 0, 0, TimeSpan.FromHours(1)));
        deadline.Explanation.En.ShouldContain("Europe/Dublin");
    }

    [Fact]
    public void Extension_window_is_the_first_month_moved_past_the_weekend()
    {
        var window = Engine.GdprExtensionWindow(new(2025, 1, 15), [], "NL");

        window.Kind.ShouldBe(DeadlineKinds.GdprExtensionWindow);
        window.DueDate.ShouldBe(new DateOnly(2025, 2, 17));
        window.Explanation.En.ShouldStartWith("An extension must be claimed within one month of receipt on Wednesday 15 January 2025");
        window.Explanation.En.ShouldEndWith("The controller's notice of an extension is due by 24:00 on Monday 17 February 2025 (Europe/Amsterdam).");
        window.Explanation.Nl.ShouldNotContain("het antwoord");
    }

    [Fact]
    public void Extended_deadline_explains_the_extension()
    {
        var deadline = Engine.GdprAnswer(new(2025, 1, 31), true, [], "NL");

        deadline.Explanation.En.ShouldContain("Extended by two further months");
        deadline.Explanation.Nl.ShouldContain("Verlengd met twee maanden");
    }

    [Fact]
    public void Unknown_country_is_refused_with_the_known_ones()
    {
        Should.Throw<DomainRuleViolated>(() => Engine.GdprAnswer(new(2025, 1, 31), false, [], "DE"))
            .Message.ShouldContain("NL, IE");
    }
}
