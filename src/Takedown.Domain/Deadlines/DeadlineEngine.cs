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
    /// The first instant of <paramref name="day"/>: the time to give an act known only by its day, so that the day read
    /// back from it (<see cref="LocalDate"/>) is that day. <see cref="EndOfDay"/> is already the next day's first instant.
    /// </summary>
    public DateTimeOffset StartOfDay(DateOnly day, string countryCode) =>
        Periods.StartOfDay(day, calendars.For(countryCode).TimeZone);

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
            $"Klacht bij het platform (DSA art. 20) kan tot minstens zes maanden na het besluit van {d.Nl}: tot en met {l.Nl}. Dat geldt voor online platforms die geen micro- of kleine onderneming zijn (DSA art. 19). Wij schuiven deze datum niet op voor weekend of feestdag; dien de klacht daarvoor in.",
            $"An internal complaint to the platform (DSA Art. 20) is open for at least six months after the decision of {d.En}: up to and including {l.En}. This applies to online platforms that are not micro or small enterprises (DSA Art. 19). We do not move this date for weekends or holidays; lodge the complaint before it."));
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
    /// 285b(2)), must be made within three months after the person entitled to it learned of the offence. The
    /// complaint is an aangifte with a request to prosecute (verzoek tot vervolging, Sv art. 164). Stalking goes on
    /// over time, and when the victim "learned of it" is open to argument; we count from the earliest incident the
    /// victim recorded, which gives the earliest date the window could be said to close (the safe side, as for every
    /// date the victim must meet). The victim must act, so the date is not moved past weekends or holidays.
    /// </summary>
    public Deadline StalkingComplaint(DateOnly earliestIncidentOn)
    {
        var last = Periods.LastDayOfMonths(earliestIncidentOn, 3);
        return Unshifted(DeadlineKinds.StalkingComplaint, last, new(
            $"Belaging (Sr art. 285b) wordt alleen vervolgd als u daarom vraagt: doe aangifte met een verzoek tot vervolging (art. 164 Sv). Dat moet binnen drie maanden nadat u van de belaging wist (Sr art. 66). Wij rekenen voor de zekerheid vanaf het eerste voorval in uw dagboek, op {DateText.Nl(earliestIncidentOn)}: uiterlijk {DateText.Nl(last)}. Gaat de belaging door, dan kan de politie ook later nog een aangifte opnemen, maar wacht niet: wij schuiven deze datum niet op voor weekend of feestdag.",
            $"Stalking (Sr art. 285b) is prosecuted only if you ask for it: report it to the police with a request to prosecute (verzoek tot vervolging, art. 164 Sv). That must be done within three months after you learned of the stalking (Sr art. 66). To be safe we count from the first incident in your diary, on {DateText.En(earliestIncidentOn)}: by {DateText.En(last)}. If the stalking goes on, the police may still take a report later, but do not wait: we do not move this date for weekends or holidays."));
    }

    /// <summary>
    /// UAVG art. 35(2): a victim whose erasure request a (private) controller refused, or answered only in part, may
    /// petition the district court within six weeks after receiving the answer; when the controller did not answer in
    /// time, within six weeks after the period to answer ended. After that only a new request or summary proceedings
    /// (kort geding) remain (HR 15 September 2023, ECLI:NL:HR:2023:1216). For a public body (bestuursorgaan) the answer
    /// is a decision under the Awb (UAVG art. 34) and the route is an objection within six weeks (Awb art. 6:7).
    /// Six weeks "after" a day end on the same weekday six weeks later (the period starts the next day, Awb art. 6:8,
    /// Reg. 1182/71 art. 3(1)). The victim must act, so the date is not moved past weekends or holidays.
    /// </summary>
    public Deadline UavgPetition(DateOnly answeredOrLapsedOn, bool unanswered)
    {
        var last = answeredOrLapsedOn.AddDays(42);
        var from = unanswered
            ? new LocalizedText(
                $"de organisatie niet op tijd antwoordde (de termijn liep af op {DateText.Nl(answeredOrLapsedOn)})",
                $"the organisation did not answer in time (the period ended on {DateText.En(answeredOrLapsedOn)})")
            : new LocalizedText(
                $"u het antwoord van de organisatie kreeg, op {DateText.Nl(answeredOrLapsedOn)}",
                $"you received the organisation's answer, on {DateText.En(answeredOrLapsedOn)}");
        return Unshifted(DeadlineKinds.UavgPetition, last, new(
            $"U kunt de rechter vragen de organisatie te bevelen uw gegevens te verwijderen, binnen zes weken nadat {from.Nl} (UAVG art. 35): uiterlijk {DateText.Nl(last)}. Daarna blijft alleen een nieuw verzoek of een kort geding over. Is de organisatie een overheidsorgaan, dan maakt u binnen dezelfde zes weken bezwaar bij dat orgaan (UAVG art. 34, Awb art. 6:7). Wij schuiven deze datum niet op voor weekend of feestdag.",
            $"You can ask the court to order the organisation to erase your data, within six weeks after {from.En} (UAVG art. 35): by {DateText.En(last)}. After that only a new request or summary proceedings (kort geding) remain. If the organisation is a public body, you object to that body within the same six weeks instead (UAVG art. 34, Awb art. 6:7). We do not move this date for weekends or holidays."));
    }

    /// <summary>
    /// Awb art. 6:7 and 6:8: an objection (bezwaar) to a decision of an administrative authority, such as the AP's
    /// decision on a complaint, is lodged within six weeks, counted from the day after the decision was made known.
    /// The victim must act, so the date is not moved past weekends or holidays.
    /// </summary>
    public Deadline AwbObjection(DateOnly decisionMadeKnownOn)
    {
        var last = decisionMadeKnownOn.AddDays(42);
        return Unshifted(DeadlineKinds.AwbObjection, last, new(
            $"Tegen het besluit van {DateText.Nl(decisionMadeKnownOn)} kunt u binnen zes weken bezwaar maken (Awb art. 6:7 en 6:8): uiterlijk {DateText.Nl(last)}. Wij schuiven deze datum niet op voor weekend of feestdag.",
            $"You can object to the decision of {DateText.En(decisionMadeKnownOn)} within six weeks (Awb art. 6:7 and 6:8): by {DateText.En(last)}. We do not move this date for weekends or holidays."));
    }

    /// <summary>
    /// The outer limit by which a cease-and-desist letter demands that published data be taken down: <paramref name="days"/>
    /// days after the letter's date. The letter demands removal at once; this date only closes any argument about what
    /// "at once" meant, long enough for the letter to arrive by post (one or two working days). No statute sets it.
    /// Not moved past weekends or holidays: taking a post down needs no office hours.
    /// </summary>
    public Deadline RemovalDemand(DateOnly letterDate, int days = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var last = letterDate.AddDays(days);
        return Unshifted(DeadlineKinds.RemovalDemand, last, new(
            $"Dat is de uiterste datum: {days} dagen na de datum van deze brief, {DateText.Nl(letterDate)}.",
            $"That is the latest date: {days} days after the date of this letter, {DateText.En(letterDate)}."));
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
