using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Operator;
using Takedown.Application.ControllerDirectory;

namespace Takedown.Api.Pages.Operator;

/// <summary>
/// Statistics drawn as SVG on the server: the CSP forbids inline script and style, and presentation attributes on
/// SVG elements are neither. The figures come from the snapshot (<see cref="StatisticsSnapshots"/>); any operator may
/// have them computed again.
/// </summary>
public sealed class StatisticsModel(StatisticsSnapshots snapshots, DirectoryAnswerTimes answerTimes) : OperatorPageModel
{
    public const int Days30 = StatisticsSnapshots.Days;
    public const int LabelWidth = 260;
    private const int BarArea = 400;
    private const int RowHeight = 22;

    public Statistics? Stats { get; private set; }

    public DateTimeOffset ComputedAt { get; private set; }

    /// <summary>When the figures were computed, on the operators' clock (Europe/Amsterdam).</summary>
    public string AsOf => TimeZoneInfo.ConvertTime(ComputedAt, OperatorQueries.Amsterdam).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>How each controller picked from the directory answered, computed on each view (a small table).</summary>
    public IReadOnlyList<DirectoryAnswerTime> DirectoryAnswers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(cancellationToken);
        (Stats, ComputedAt) = (snapshot.Statistics, snapshot.ComputedAt);
        DirectoryAnswers = await answerTimes.ListAsync(cancellationToken: cancellationToken);
    }

    /// <summary>"8 of 10", or a dash when nothing counts yet.</summary>
    public static string OutOf(int part, int whole) => whole == 0 ? "–" : $"{N(part)} of {N(whole)}";

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(cancellationToken);
        return RedirectToPage();
    }

    public sealed record Bar(string Label, string Y, string TextY, string MedianWidth, string P90Width, string ValueX, string MedianText, string P90Text);

    public sealed record Bars(IReadOnlyList<Bar> Rows, int Height);

    /// <param name="Points">The polyline's points.</param>
    /// <param name="Max">The largest count, at the top of the axis.</param>
    /// <param name="From">The first day.</param>
    /// <param name="To">The last day.</param>
    /// <param name="Dots">One dot per day, with its day and count as a tooltip (and for screen readers).</param>
    public sealed record Line(string Points, int Max, string From, string To, IReadOnlyList<Dot> Dots);

    public sealed record Dot(string X, string Y, string Label);

    public Bars ResponseBars()
    {
        var rows = Stats!.ResponseTimes;
        var max = Math.Max(1, rows.Max(r => r.P90Days));
        return Draw(rows.Select(r => ($"{r.Counterparty} ({r.Kind})", r.MedianDays, r.P90Days, Days(r.MedianDays), Days(r.P90Days))).ToList(), max);
    }

    public Bars RemovalBars()
    {
        var rows = Stats!.Removals;
        var max = Math.Max(1, rows.Max(r => r.Decided));
        return Draw(rows.Select(r => (r.Category, (double)r.Removed, (double)r.Decided, N(r.Removed), N(r.Decided))).ToList(), max);
    }

    public Line OpenCasesLine()
    {
        var points = Stats!.OpenCases;
        var max = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Open));
        var step = points.Count > 1 ? 710.0 / (points.Count - 1) : 0;
        var dots = points.Select((p, i) => new Dot(F(40 + i * step), F(170 - 160.0 * p.Open / max),
            $"{p.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: {N(p.Open)} open")).ToList();
        return new Line(string.Join(' ', dots.Select(d => $"{d.X},{d.Y}")), max,
            (points.Count > 0 ? points[0].Day : (DateOnly?)null)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            (points.Count > 0 ? points[^1].Day : (DateOnly?)null)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", dots);
    }

    public static string Days(double days) => days.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static Bars Draw(IReadOnlyList<(string Label, double Inner, double Outer, string InnerText, string OuterText)> rows, double max)
    {
        var bars = rows.Select((r, i) => new Bar(
            r.Label.Length > 40 ? r.Label[..39] + "…" : r.Label,
            F(i * RowHeight + 4), F(i * RowHeight + 15),
            F(BarArea * r.Inner / max), F(BarArea * r.Outer / max),
            F(LabelWidth + BarArea * r.Outer / max + 6), r.InnerText, r.OuterText)).ToList();
        return new Bars(bars, rows.Count * RowHeight + 8);
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
