namespace Takedown.Domain;

/// <summary>A command that is not allowed in the current state, with a reason a person can read.</summary>
public sealed class DomainRuleViolated(string reason) : Exception(reason);
