namespace Takedown.Domain;

/// <summary>
/// A command that is not allowed in the current state, with a reason a person can read and a stable
/// <see cref="Code"/> that pages and clients branch on (the reason's wording may change; the code does not).
/// </summary>
public sealed class DomainRuleViolated(string reason, string code = DomainRuleViolated.NotAllowed) : Exception(reason)
{
    /// <summary>Any refusal without a more specific code.</summary>
    public const string NotAllowed = "not-allowed";

    /// <summary>The text approved or signed is not the one the person was shown: it changed under them.</summary>
    public const string TextChanged = "text-changed";

    /// <summary>A signature (a typed name) that is not the name on the case.</summary>
    public const string NameMismatch = "name-mismatch";

    /// <summary>A date that lies in the future where only a past or present one can be true.</summary>
    public const string DateInFuture = "date-in-future";

    public string Code { get; } = code;
}
