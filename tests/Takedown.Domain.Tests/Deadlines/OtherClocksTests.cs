using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Tests.Deadlines;

public class OtherClocksTests
{
    private static readonly DeadlineEngine Engine = DeadlineEngine.Default;

    [Fact]
    public void Internal_complaint_window_is_six_months_and_is_not_moved_past_a_weekend()
    {
        var window = Engine.DsaInternalComplaintWindow(new(2025, 8, 31));

        window.Kind.ShouldBe(DeadlineKinds.DsaInternalComplaint);
        window.DueDate.ShouldBe(new DateOnly(2026, 2, 28));
        window.Explanation.En.ShouldContain("DSA Art. 20");
        window.Explanation.En.ShouldContain("We do not move this date");
    }

    [Fact]
    public void Ap_progress_is_three_months_and_moves_past_Liberation_Day()
    {
        var deadline = Engine.ApProgress(new(2025, 2, 5));

        deadline.DueDate.ShouldBe(new DateOnly(2025, 5, 6));
        deadline.Explanation.En.ShouldContain("GDPR Art. 78(2)");
        deadline.Explanation.En.ShouldContain("Liberation Day");
    }

    [Fact]
    public void Stalking_complaint_Sr_art_66_is_three_months_after_the_earliest_incident_and_never_later()
    {
        var deadline = Engine.StalkingComplaint(new(2025, 11, 30));

        deadline.DueDate.ShouldBe(new DateOnly(2026, 2, 28));
        deadline.Explanation.Nl.ShouldContain("Sr art. 66");
        deadline.Explanation.Nl.ShouldContain("verzoek tot vervolging (art. 164 Sv)");
        deadline.Explanation.Nl.ShouldContain("eerste voorval");
        deadline.Explanation.En.ShouldContain("Sr art. 285b");
    }

    [Fact]
    public void Uavg_art_35_petition_is_six_weeks_after_the_answer_on_the_same_weekday()
    {
        // Answer received on Tuesday 3 March 2026: the six weeks end on Tuesday 14 April 2026.
        var deadline = Engine.UavgPetition(new(2026, 3, 3), unanswered: false);

        deadline.Kind.ShouldBe(DeadlineKinds.UavgPetition);
        deadline.DueDate.ShouldBe(new DateOnly(2026, 4, 14));
        deadline.DueDate.DayOfWeek.ShouldBe(DayOfWeek.Tuesday);
        deadline.Explanation.Nl.ShouldContain("UAVG art. 35");
        deadline.Explanation.Nl.ShouldContain("kort geding");
        deadline.Explanation.En.ShouldContain("UAVG art. 34");
    }

    [Fact]
    public void Uavg_art_35_petition_after_no_answer_runs_six_weeks_from_the_end_of_the_period_and_is_not_shifted()
    {
        // The period to answer ended on Monday 16 March 2026; six weeks later is Monday 27 April 2026 (not moved,
        // although 27 April is King's Day: the victim must act, so we show the earliest date).
        var deadline = Engine.UavgPetition(new(2026, 3, 16), unanswered: true);

        deadline.DueDate.ShouldBe(new DateOnly(2026, 4, 27));
        deadline.Explanation.En.ShouldContain("did not answer in time");
    }

    [Fact]
    public void Awb_art_6_7_objection_to_an_AP_decision_is_six_weeks_from_the_day_after_it_was_made_known()
    {
        var deadline = Engine.AwbObjection(new(2026, 6, 1));

        deadline.Kind.ShouldBe(DeadlineKinds.AwbObjection);
        deadline.DueDate.ShouldBe(new DateOnly(2026, 7, 13));
        deadline.Explanation.Nl.ShouldContain("Awb art. 6:7");
    }

    [Fact]
    public void Platform_response_target_counts_real_hours_across_the_change_to_summer_time()
    {
        var filed = new DateTimeOffset(2025, 3, 29, 23, 30, 0, TimeSpan.FromHours(1));

        var deadline = Engine.PlatformResponse("ExampleTube", ReportCategory.IntimateImages, filed);

        deadline.DueAt.ShouldBe(filed.AddHours(48));
        deadline.DueDate.ShouldBe(new DateOnly(2025, 4, 1));
        deadline.Explanation.En.ShouldContain("48 hours after filing on Saturday 29 March 2025 23:30");
        deadline.Explanation.En.ShouldContain("Tuesday 1 April 2025 00:30");
    }

    [Fact]
    public void Platform_override_wins_over_the_category_target()
    {
        var targets = new ResponseTargets(
            new Dictionary<ReportCategory, TimeSpan> { [ReportCategory.Doxing] = TimeSpan.FromHours(72) },
            new Dictionary<string, IReadOnlyDictionary<ReportCategory, TimeSpan>>
            {
                ["FastPlatform"] = new Dictionary<ReportCategory, TimeSpan> { [ReportCategory.Doxing] = TimeSpan.FromHours(12) },
            });
        var engine = new DeadlineEngine(HolidayCalendars.Default(), targets);
        var filed = new DateTimeOffset(2025, 6, 2, 10, 0, 0, TimeSpan.FromHours(2));

        engine.PlatformResponse("fastplatform", ReportCategory.Doxing, filed).DueAt.ShouldBe(filed.AddHours(12));
        engine.PlatformResponse("Other", ReportCategory.Doxing, filed).DueAt.ShouldBe(filed.AddHours(72));
    }

    [Fact]
    public void Warning_points_are_at_the_start_of_the_day_seven_and_one_days_before()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [], "NL");

        var points = Engine.WarningPoints(deadline);

        points.Select(p => p.On).ShouldBe([new DateOnly(2025, 4, 3), new DateOnly(2025, 4, 9)]);
        points[0].At.ShouldBe(new DateTimeOffset(2025, 4, 3, 0, 0, 0, TimeSpan.FromHours(2)));
        points[1].Text.En.ShouldBe("1 day left until the deadline on Thursday 10 April 2025.");
        points[0].Text.Nl.ShouldBe("Nog 7 dagen tot de termijn afloopt op donderdag 10 april 2025.");
    }

    [Fact]
    public void Warning_points_can_be_chosen()
    {
        var deadline = Engine.GdprAnswer(new(2025, 3, 10), false, [], "NL");

        Engine.WarningPoints(deadline, 3).Single().On.ShouldBe(new DateOnly(2025, 4, 7));
    }

    [Fact]
    public void Removal_demand_is_fourteen_days_after_the_letter_and_is_not_moved_past_a_weekend()
    {
        var deadline = Engine.RemovalDemand(new(2026, 3, 7));

        deadline.Kind.ShouldBe(DeadlineKinds.RemovalDemand);
        deadline.DueDate.ShouldBe(new DateOnly(2026, 3, 21));
        deadline.Explanation.Nl.ShouldBe("Dat is de uiterste datum: 14 dagen na de datum van deze brief, zaterdag 7 maart 2026.");
        deadline.Explanation.En.ShouldBe("That is the latest date: 14 days after the date of this letter, Saturday 7 March 2026.");
    }
}
