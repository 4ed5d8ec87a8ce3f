using System.Text.Json.Serialization;

namespace Takedown.Sandbox;

/// <summary>What the sandbox does with the next call to its report API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepKind>))]
public enum StepKind
{
    /// <summary>File the notice (or answer the status) normally.</summary>
    Accept,

    /// <summary>File the notice and refuse it at once with <see cref="ScenarioStep.Reasons"/>.</summary>
    Refuse,

    /// <summary>Answer 429 with <c>Retry-After</c> (seconds, or an HTTP date when <see cref="ScenarioStep.RetryAfterAsDate"/>).</summary>
    TooManyRequests,

    /// <summary>Answer 500 without filing.</summary>
    Error,

    /// <summary>File the notice, then answer 500 as if the answer got lost.</summary>
    ErrorAfterFiling,

    /// <summary>Wait <see cref="ScenarioStep.DelayMs"/>, file the notice and answer normally.</summary>
    Slow,
}

/// <summary>One scripted answer.</summary>
public sealed record ScenarioStep(
    StepKind Kind,
    string? Reasons = null,
    int RetryAfterSeconds = 1,
    bool RetryAfterAsDate = false,
    int DelayMs = 0,
    int? WebhookAfterMs = null,
    string? WebhookStatus = null,
    string? WebhookReasons = null);

/// <summary>The body of <c>POST /sandbox/scenario</c>: steps used one per report API call, in order.</summary>
public sealed record Scenario(IReadOnlyList<ScenarioStep> Steps);
