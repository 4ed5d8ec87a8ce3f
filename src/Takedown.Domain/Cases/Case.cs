using System.Diagnostics.CodeAnalysis;

namespace Takedown.Domain.Cases;

/// <summary>Whether a missed or refused request becomes an AP complaint on its own or after an operator looked at it.</summary>
public enum EscalationMode
{
    OperatorReview,
    Automatic,
}

public enum CaseStatus
{
    None,
    Open,
    Closed,
    Deleted,
}

// Events
public sealed record CaseOpened(Guid CaseId, string Reference, string Language, EscalationMode EscalationMode, DateTimeOffset OpenedAt);
public sealed record EscalationModeChanged(Guid CaseId, EscalationMode EscalationMode, DateTimeOffset ChangedAt);
public sealed record CaseClosed(Guid CaseId, DateTimeOffset ClosedAt);
public sealed record CaseDeletedByVictim(Guid CaseId, DateTimeOffset DeletedAt);
/// <summary>
/// Who the victim is, as far as letters need it: the name a controller needs to find the data, and the address our
/// notices go to. Kept on the case, never in a request's read model.
/// </summary>
public sealed record VictimDetailsRecorded(Guid CaseId, [PersonalData] string Name, [PersonalData] string Email, DateTimeOffset RecordedAt);

// Commands
public sealed record OpenCase(Guid CaseId, string Reference, string Language, EscalationMode EscalationMode, DateTimeOffset Now);
public sealed record ChangeEscalationMode(Guid CaseId, EscalationMode EscalationMode, DateTimeOffset Now);
public sealed record CloseCase(Guid CaseId, DateTimeOffset Now);
public sealed record DeleteCase(Guid CaseId, DateTimeOffset Now);
public sealed record RecordVictimDetails(Guid CaseId, string Name, string Email, DateTimeOffset Now);

/// <summary>A victim's case. Its requests are streams of their own that carry the case id.</summary>
[SuppressMessage("Naming", "CA1716", Justification = "'Case' is the product's word (zaak); consumers are C#.")]
public sealed record Case(Guid Id, CaseStatus Status, string Reference, string Language, EscalationMode EscalationMode, string? VictimName = null, string? VictimEmail = null)
{
    public static readonly Case Initial = new(Guid.Empty, CaseStatus.None, "", "nl", EscalationMode.OperatorReview);

    public static readonly IReadOnlyList<string> Languages = ["nl", "en"];

    public bool IsOpen => Status == CaseStatus.Open;

    /// <summary>
    /// Requests are streams of their own, so a handler that opens one on a case checks the case with this first.
    /// </summary>
    public void EnsureAcceptsNewRequests() => EnsureOpen(this, "open a new request on it");

    public static Case Evolve(Case state, object @event) => @event switch
    {
        CaseOpened e => state with { Id = e.CaseId, Status = CaseStatus.Open, Reference = e.Reference, Language = e.Language, EscalationMode = e.EscalationMode },
        EscalationModeChanged e => state with { EscalationMode = e.EscalationMode },
        CaseClosed => state with { Status = CaseStatus.Closed },
        CaseDeletedByVictim => state with { Status = CaseStatus.Deleted, VictimName = null, VictimEmail = null },
        VictimDetailsRecorded e => state with { VictimName = e.Name, VictimEmail = e.Email },
        _ => state,
    };

    public static object[] Decide(object command, Case state) => command switch
    {
        OpenCase c => Open(c, state),
        ChangeEscalationMode c => ChangeMode(c, state),
        CloseCase c => Close(c, state),
        DeleteCase c => Delete(c, state),
        RecordVictimDetails c => RecordDetails(c, state),
        _ => throw new DomainRuleViolated($"A case does not handle {command.GetType().Name}."),
    };

    private static object[] Open(OpenCase c, Case state)
    {
        if (state.Status != CaseStatus.None)
        {
            return state.Id == c.CaseId && state.Reference == c.Reference
                ? []
                : throw new DomainRuleViolated("This case has already been opened.");
        }

        if (string.IsNullOrWhiteSpace(c.Reference))
        {
            throw new DomainRuleViolated("A case needs a reference.");
        }

        if (!Languages.Contains(c.Language))
        {
            throw new DomainRuleViolated($"A case's language is 'nl' or 'en', not '{c.Language}'.");
        }

        return [new CaseOpened(c.CaseId, c.Reference, c.Language, c.EscalationMode, c.Now)];
    }

    private static object[] ChangeMode(ChangeEscalationMode c, Case state)
    {
        EnsureOpen(state, "change its escalation mode");
        return state.EscalationMode == c.EscalationMode ? [] : [new EscalationModeChanged(state.Id, c.EscalationMode, c.Now)];
    }

    private static object[] Close(CloseCase c, Case state)
    {
        if (state.Status == CaseStatus.Closed)
        {
            return [];
        }

        EnsureOpen(state, "close it");
        return [new CaseClosed(state.Id, c.Now)];
    }

    private static object[] Delete(DeleteCase c, Case state) => state.Status switch
    {
        CaseStatus.None => throw new DomainRuleViolated("There is no case to delete."),
        CaseStatus.Deleted => [],
        // The victim may always have the case erased, open or closed (GDPR Art. 17 applies to us too).
        _ => [new CaseDeletedByVictim(state.Id, c.Now)],
    };

    private static object[] RecordDetails(RecordVictimDetails c, Case state)
    {
        EnsureOpen(state, "record the victim's details");
        if (string.IsNullOrWhiteSpace(c.Name) || string.IsNullOrWhiteSpace(c.Email))
        {
            throw new DomainRuleViolated("The victim's name and e-mail address are both needed.");
        }
        return state.VictimName == c.Name && state.VictimEmail == c.Email
            ? []
            : [new VictimDetailsRecorded(state.Id, c.Name, c.Email, c.Now)];
    }

    private static void EnsureOpen(Case state, string action)
    {
        switch (state.Status)
        {
            case CaseStatus.None:
                throw new DomainRuleViolated($"The case has not been opened, so you cannot {action}.");
            case CaseStatus.Closed:
                throw new DomainRuleViolated($"The case is closed, so you cannot {action}.");
            case CaseStatus.Deleted:
                throw new DomainRuleViolated($"The victim deleted the case, so you cannot {action}.");
        }
    }
}
