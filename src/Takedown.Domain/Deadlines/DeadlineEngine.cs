using System.Globalization;
using Takedown.Domain.PlatformReports;

namespace Takedown.Domain.Deadlines;

/// <summary>
/// Computes every due date the product shows or acts on, each with an explanation in Dutch and English.
/// Pure: the calendars and targets are data passed in; nothing here reads a clock. The rules and their sources
/// are in docs/deadlines.md.
/// </summary>
public sealed class DeadlineEngine(HolidayCalendars calendars, ResponseTargets? responseTargets = null)
{
    /// <summary>The country whose calendar and time zone apply when the victim is the one who must act.</summary>
    public const string VictimCountry = "NL";

    private readonly ResponseTargets targets = responseTargets ?? ResponseTargets.Default;

    public HolidayCalendars Calendars => calendars;

    public static DeadlineEngine Default { get; } = new(HolidayCalendars.Default());

    public DateOnly LocalDate(DateTimeOffset instant, string countryCode) =>
        Periods.LocalDate(instant, calendars.For(countryCode).TimeZone);

    public DateTimeOffset EndOfDay(DateOnly day, string countryCode) =>
        Periods.EndOfDay(day, calendars.For(countryCode).TimeZone);

    /// <summary>
    /// GDPR Art. 12(3): the controller answers within one month of receipt; three months in all when it claimed
    /// the extension within the first month. Identity-check pauses (Art. 12(6)) stop the clock; an open pause
    /// counts up to <paramref name="today"/>. The last day moves past weekends and holidays of
    /// <paramref name="countryCode"/> (Reg. 1182/71 art. 3(4)).
    /// </summary>
    public Deadline GdprAnswer(DateOnly receivedOn, bool extended, IReadOnlyList<ClockPause> pauses, string countryCode, DateOnly? today = null) =>
        GdprPeriod(DeadlineKinds.GdprAnswer, receivedOn, extended ? 3 : 1, pauses, countryCode, today);

    /// <summary>GDPR Art. 12(3), second sentence: the extension must be claimed within one month of receipt.</summary>
    public Deadline GdprExtensionWindow(DateOnly receivedOn, IReadOnlyList<ClockPause> pauses, string countryCode, DateOnly? today = null) =>
        GdprPeriod(DeadlineKinds.GdprExtensionWindow, receivedOn, 1, pauses, countryCode, today);

    /// <summary>
    /// DSA Art. 20(1): the internal complaint stays open for at least six months after the platform informed
    /// the notifier of its decision. The victim must act, so the date is not moved past weekends or holidays:
    /// we show the earliest day the window may close.
    /// </summary>
    public Deadline DsaInternalComplaintWindow(DateOnly decisionOn)
    {
        var last = Periods.LastDayOfMonths(decisionOn, 6);
        var d = DateText.Of(decisionOn);
        var l = DateText.Of(last);
        return Unshifted(DeadlineKinds.DsaInternalComplaint, last, new(
            $"Klacht bij het platform (DSA art. 20) kan tot minstens zes maanden na het besluit van {d.Nl}: tot en met {l.Nl}. Wij schuiven deze datum niet op voor weekend of feestdag; dien de klacht daarvoor in.",
            $"An internal complaint to the platform (DSA Art. 20) is open for at least six months after the decision of {d.En}: up to and including {l.En}. We do not move this date for weekends or holidays; lodge the complaint before it."));
    }

    /// <summary>
    /// GDPR Art. 78(2): when the AP has not informed the victim of progress or outcome within three months of the
    /// complaint, the victim may go to court. The AP acts in the Netherlands, so Dutch holidays apply.
    /// </summary>
    public Deadline ApProgress(DateOnly lodgedOn)
    {
        var last = Periods.LastDayOfMonths(lodgedOn, 3);
        var intro = new LocalizedText(
            $"De AP moet binnen drie maanden na de klacht van {DateText.Nl(lodgedOn)} laten weten hoe het ermee staat (AVG art. 78 lid 2): {DateText.Nl(last)}.",
            $"The AP must report progress within three months of the complaint of {DateText.En(lodgedOn)} (GDPR Art. 78(2)): {DateText.En(last)}.");
        return Shifted(DeadlineKinds.ApProgress, last, [intro], VictimCountry, "het bericht van de AP", "the AP's report");
    }

    /// <summary>
    /// Sr art. 66(1): a complaint (klacht) for an offence prosecuted only on complaint, such as stalking (Sr art.
    /// 285b(2)), must be filed within three months of learning of the offence; for ongoing stalking we count from
    /// the last incident. The victim must act, so the date is not moved past weekends or holidays.
    /// </summary>
    public Deadline StalkingComplaint(DateOnly lastIncidentOn)
    {
        var last = Periods.LastDayOfMonths(lastIncidentOn, 3);
        return Unshifted(DeadlineKinds.StalkingComplaint, last, new(
            $"Belaging (Sr art. 285b) wordt alleen vervolgd op klacht; de klacht moet binnen drie maanden worden gedaan (Sr art. 66), gerekend vanaf het laatste voorval op {DateText.Nl(lastIncidentOn)}: uiterlijk {DateText.Nl(last)}. Wij schuiven deze datum niet op voor weekend of feestdag; doe aangifte met klacht daarvoor.",
            $"Stalking (Sr art. 285b) is prosecuted only on the victim's complaint, which must be made within three months (Sr art. 66), counted from the last incident on {DateText.En(lastIncidentOn)}: by {DateText.En(last)}. We do not move this date for weekends or holidays; file the police report with complaint before it."));
    }

    /// <summary>
    /// The date by which a cease-and-desist letter demands that published data be taken down: <paramref name="days"/>
    /// days after the letter's date. No statute sets this period; it is the term the letter sets, long enough for
    /// registered post to arrive (one or two working days) and short enough not to leave the data online for weeks.
    /// Not moved past weekends or holidays: taking a post down needs no office hours.
    /// </summary>
    public Deadline RemovalDemand(DateOnly letterDate, int days = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var last = letterDate.AddDays(days);
        return Unshifted(DeadlineKinds.RemovalDemand, last, new(
            $"Dat is {days} dagen na de datum van deze brief, {DateText.Nl(letterDate)}.",
            $"That is {days} days after the date of this letter, {DateText.En(letterDate)}."));
    }

    /// <summary>Our response target for a platform report: a fixed number of hours after filing, no calendar shift.</summary>
    public Deadline PlatformResponse(string platform, ReportCategory category, DateTimeOffset filedAt)
    {
        var target = targets.For(platform, category);
        var zone = calendars.For(VictimCountry).TimeZone;
        var dueAt = filedAt + target;
        var filedLocal = DateText.Of(TimeZoneInfo.ConvertTime(filedAt, zone));
        var dueLocal = DateText.Of(TimeZoneInfo.ConvertTime(dueAt, zone));
        var hours = target.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
        return new(DeadlineKinds.PlatformResponse, Periods.LocalDate(dueAt, zone), dueAt, new(
            $"Ons streefdoel voor een reactie van {platform} op een melding ({CategoryNl(category)}) is {hours} uur na indiening op {filedLocal.Nl}: {dueLocal.Nl}.",
            $"Our target for {platform} to respond to a notice ({CategoryEn(category)}) is {hours} hours after filing on {filedLocal.En}: {dueLocal.En}."));
    }

    /// <summary>Reminders a number of days before the due date (e.g. 7 and 1), at the start of that day.</summary>
    public IReadOnlyList<WarningPoint> WarningPoints(Deadline deadline, params int[] daysBefore)
    {
        var zone = calendars.For(VictimCountry).TimeZone;
        int[] days = daysBefore.Length == 0 ? [7, 1] : daysBefore;
        return [.. days.Distinct().OrderByDescending(n => n).Select(n =>
        {
            var on = deadline.DueDate.AddDays(-n);
            return new WarningPoint(deadline.Kind, n, on, Periods.StartOfDay(on, zone), new(
                $"Nog {n} {(n == 1 ? "dag" : "dagen")} tot de termijn afloopt op {DateText.Nl(deadline.DueDate)}.",
                $"{n} {(n == 1 ? "day" : "days")} left until the deadline on {DateText.En(deadline.DueDate)}."));
        })];
    }

    private Deadline GdprPeriod(string kind, DateOnly receivedOn, int months, IReadOnlyList<ClockPause> pauses, string countryCode, DateOnly? today)
    {
        var last = Periods.LastDayOfMonths(receivedOn, months);
        List<LocalizedText> parts = [kind == DeadlineKinds.GdprExtensionWindow
            ? new(
                $"Een verlenging moet binnen één maand na ontvangst op {DateText.Nl(receivedOn)} worden gemeld (AVG art. 12 lid 3; Verordening 1182/71): {DateText.Nl(last)}.",
                $"An extension must be claimed within one month of receipt on {DateText.En(receivedOn)} (GDPR Art. 12(3); Regulation 1182/71): {DateText.En(last)}.")
            : months == 1
                ? new(
                    $"Eén maand na ontvangst op {DateText.Nl(receivedOn)} (AVG art. 12 lid 3; Verordening 1182/71): {DateText.Nl(last)}.",
                    $"One month after receipt on {DateText.En(receivedOn)} (GDPR Art. 12(3); Regulation 1182/71): {DateText.En(last)}.")
                : new(
                    $"Verlengd met twee maanden, omdat de verwerkingsverantwoordelijke dat binnen de eerste maand meldde: drie maanden na ontvangst op {DateText.Nl(receivedOn)} (AVG art. 12 lid 3; Verordening 1182/71): {DateText.Nl(last)}.",
                    $"Extended by two further months because the controller claimed the extension within the first month: three months after receipt on {DateText.En(receivedOn)} (GDPR Art. 12(3); Regulation 1182/71): {DateText.En(last)}.")];

        var paused = 0;
        foreach (var pause in pauses)
        {
            var until = pause.Until ?? (today is { } t && t > pause.From ? t : pause.From);
            var days = until.DayNumber - pause.From.DayNumber;
            paused += days;
            parts.Add(pause.Until is null
                ? new(
                    $"De klok staat stil sinds {DateText.Nl(pause.From)}: de verwerkingsverantwoordelijke vroeg om identiteitscontrole (AVG art. 12 lid 6) en wacht op het antwoord ({days} {(days == 1 ? "dag" : "dagen")} tot nu); de termijn schuift op tot het antwoord er is.",
                    $"The clock has been stopped since {DateText.En(pause.From)}: the controller asked to verify identity (GDPR Art. 12(6)) and awaits the answer ({days} {(days == 1 ? "day" : "days")} so far); the deadline moves on until the answer is given.")
                : new(
                    $"De klok stond {days} {(days == 1 ? "dag" : "dagen")} stil voor een identiteitscontrole (AVG art. 12 lid 6), van {DateText.Nl(pause.From)} tot het antwoord op {DateText.Nl(until)}.",
                    $"The clock stood still for {days} {(days == 1 ? "day" : "days")} for an identity check (GDPR Art. 12(6)), from {DateText.En(pause.From)} until the answer on {DateText.En(until)}."));
        }

        if (paused > 0)
        {
            last = last.AddDays(paused);
            parts.Add(new($"De laatste dag wordt daardoor {DateText.Nl(last)}.", $"The last day therefore becomes {DateText.En(last)}."));
        }

        return kind == DeadlineKinds.GdprExtensionWindow
            ? Shifted(kind, last, parts, countryCode, "de melding van een verlenging", "the controller's notice of an extension")
            : Shifted(kind, last, parts, countryCode, "het antwoord van de verwerkingsverantwoordelijke", "the controller's answer");
    }

    private Deadline Shifted(string kind, DateOnly last, List<LocalizedText> parts, string countryCode, string whatNl, string whatEn)
    {
        var calendar = calendars.For(countryCode);
        var due = Periods.OnOrNextWorkingDay(last, calendar);
        if (due != last)
        {
            var skipped = new List<LocalizedText>();
            for (var day = last; day < due; day = day.AddDays(1))
            {
                var holiday = calendar.HolidayOn(day);
                skipped.Add(holiday is null
                    ? DateText.Of(day)
                    : new($"{DateText.Nl(day)} ({holiday.Name.Nl})", $"{DateText.En(day)} ({holiday.Name.En})"));
            }

            var skippedNl = string.Join(", ", skipped.Select(s => s.Nl));
            parts.Add(new(
                $"{char.ToUpperInvariant(skippedNl[0])}{skippedNl[1..]} {(skipped.Count == 1 ? "is geen werkdag" : "zijn geen werkdagen")} in {calendar.CountryCode}, dus de termijn loopt af aan het eind van de volgende werkdag, {DateText.Nl(due)} (Verordening 1182/71 art. 3 lid 4).",
                $"{string.Join(", ", skipped.Select(s => s.En))} {(skipped.Count == 1 ? "is not a working day" : "are not working days")} in {calendar.CountryCode}, so the deadline moves to the end of the next working day, {DateText.En(due)} (Regulation 1182/71 Art. 3(4))."));
        }

        parts.Add(new(
            $"Uiterlijk {DateText.Nl(due)} om 24:00 ({calendar.TimeZone.Id}) moet {whatNl} er zijn.",
            $"{char.ToUpperInvariant(whatEn[0])}{whatEn[1..]} is due by 24:00 on {DateText.En(due)} ({calendar.TimeZone.Id})."));
        return new(kind, due, Periods.EndOfDay(due, calendar.TimeZone), LocalizedText.Join(parts));
    }

    private Deadline Unshifted(string kind, DateOnly last, LocalizedText explanation) =>
        new(kind, last, Periods.EndOfDay(last, calendars.For(VictimCountry).TimeZone), explanation);

    internal static string CategoryNl(ReportCategory category) => category switch
    {
        ReportCategory.Doxing => "doxing, Sr art. 285d",
        ReportCategory.Stalking => "belaging, Sr art. 285b",
        ReportCategory.IntimateImages => "intieme beelden, Sr art. 254ba",
        ReportCategory.Threats => "bedreiging, Sr art. 285",
        _ => category.ToString(),
    };

    internal static string CategoryEn(ReportCategory category) => category switch
    {
        ReportCategory.Doxing => "doxing, Sr art. 285d",
        ReportCategory.Stalking => "stalking, Sr art. 285b",
        ReportCategory.IntimateImages => "intimate images, Sr art. 254ba",
        ReportCategory.Threats => "threats, Sr art. 285",
        _ => category.ToString(),
    };
}
