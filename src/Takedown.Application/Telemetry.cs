using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Takedown.Application;

/// <summary>
/// Takedown's own spans and metrics (source and meter "Takedown", exported by the hosts' telemetry). Labels are
/// kinds and outcomes, never a person, an address or a URL.
/// </summary>
public static class TakedownMetrics
{
    public const string Name = "Takedown";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> DeadlinesMissed = Meter.CreateCounter<long>("takedown.deadlines.missed", description: "Erasure request deadlines that passed without an answer");

    public static readonly Counter<long> DeadlineWarnings = Meter.CreateCounter<long>("takedown.deadlines.warnings", description: "Warning points reached before a deadline");

    public static readonly Counter<long> LettersSent = Meter.CreateCounter<long>("takedown.letters.sent", description: "Letters accepted by the SMTP server");

    public static readonly Counter<long> LettersFailed = Meter.CreateCounter<long>("takedown.letters.failed", description: "Letters refused for good by the SMTP server");

    public static readonly Counter<long> PlatformReportsFiled = Meter.CreateCounter<long>("takedown.platform_reports.filed", description: "Notices filed with platforms");

    public static readonly Histogram<double> TimeToAnswer = Meter.CreateHistogram<double>("takedown.time_to_answer", unit: "d", description: "Days from sending to the counterparty's answer");
}
