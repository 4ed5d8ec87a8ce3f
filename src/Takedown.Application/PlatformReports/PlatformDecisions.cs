using Takedown.Domain;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.PlatformReports;

/// <summary>What a platform answered to a notice, as an operator reads it from the platform's message.</summary>
public enum PlatformDecision
{
    /// <summary>A confirmation of receipt only: the platform has not decided yet.</summary>
    Acknowledged,

    Removed,

    /// <summary>Restricted rather than removed (hidden, demoted, blocked in one country).</summary>
    Restricted,

    /// <summary>The platform will not act; its reasons come with it when it gives them.</summary>
    Refused,
}

/// <summary>
/// A platform's answer as an operator records it: the decision, what the restriction is, and the platform's reasons.
/// A refusal is recorded also when the platform gives no reasons: it still opens the victim's Art. 20 window, and a
/// refusal without reasons is itself a ground for the complaint (the notifier is owed a decision and the redress,
/// Art. 16(5); the reasoned statement goes to the uploader, Art. 17).
/// </summary>
public sealed record PlatformDecisionInput(PlatformDecision Decision, string? Restriction = null, string? StatementOfReasons = null)
{
    public const int MaxRestriction = 200;
    public const int MaxStatementOfReasons = 5000;

    /// <summary>What the operator must fix before the decision can be recorded, or null.</summary>
    public string? Problem() => Decision switch
    {
        _ when !Enum.IsDefined(Decision) => "Choose what the platform decided.",
        PlatformDecision.Restricted when string.IsNullOrWhiteSpace(Restriction) => "Say how the platform restricted the content (for example: hidden in the Netherlands).",
        _ when Restriction is { Length: > MaxRestriction } => $"The restriction may have at most {MaxRestriction} characters.",
        _ when StatementOfReasons is { Length: > MaxStatementOfReasons } => $"The statement of reasons may have at most {MaxStatementOfReasons} characters.",
        _ => null,
    };
}

/// <summary>
/// A platform that takes notices by e-mail only answers by e-mail: there is no ticket and no status webhook, so an
/// operator records what it decided, with the same domain commands a status webhook leads to. A refusal opens the
/// DSA Art. 20 window as it does for a platform with a report API; partners get the same outgoing webhooks.
/// </summary>
public static class PlatformDecisions
{
    /// <summary>
    /// Decides the recorded answer on the report, dated <paramref name="decidedAt"/>, and appends it to
    /// <paramref name="session"/>. Returns the events (none when the report already holds this decision).
    /// </summary>
    /// <exception cref="DomainRuleViolated">
    /// The report does not exist, was never filed, was filed through a report API (its decisions arrive as status
    /// updates, and a second source would contradict them), or refuses the decision (a removal already recorded).
    /// </exception>
    public static async Task<IReadOnlyList<object>> RecordAsync(
        IDocumentSession session, Guid reportId, PlatformDecisionInput input, DateTimeOffset decidedAt, DeadlineEngine engine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Problem() is { } problem)
        {
            throw new DomainRuleViolated(problem);
        }
        var (events, _) = await session.DecideAsync(reportId, PlatformReport.Initial, PlatformReport.Evolve, state => state switch
        {
            { Status: PlatformReportStatus.None } => throw new DomainRuleViolated("There is no such platform report."),
            { IsFiled: true, FiledByEmail: false } => throw new DomainRuleViolated(
                "This report was filed through the platform's report API: its decisions arrive as the platform's status updates."),
            _ => PlatformReport.Decide(Command(reportId, input, decidedAt), state, engine),
        }, cancellationToken);
        return events;
    }

    private static object Command(Guid reportId, PlatformDecisionInput input, DateTimeOffset at) => input.Decision switch
    {
        PlatformDecision.Acknowledged => new AcknowledgePlatformReport(reportId, at),
        PlatformDecision.Removed => new RecordContentRemoved(reportId, at),
        PlatformDecision.Restricted => new RecordContentRestricted(reportId, input.Restriction!.Trim(), input.StatementOfReasons?.Trim() ?? "", at),
        _ => new RecordContentRemovalRefused(reportId, input.StatementOfReasons?.Trim() ?? "", at),
    };
}
