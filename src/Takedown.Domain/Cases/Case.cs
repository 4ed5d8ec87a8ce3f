using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

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
/// <summary>
/// The victim authorised the service to act for them in the case (machtiging): towards controllers and platforms (BW
/// 3:60) and towards the AP (Awb art. 2:1(2)); texts signed before it covered all three tracks cover the AP complaint
/// only. <see cref="Text"/> is exactly what they agreed to, <see cref="TextSha256"/> its hash, <see cref="SignedName"/>
/// the name they typed to sign.
/// </summary>
public sealed record AuthorisationGranted(
    Guid CaseId, [PersonalData] string Text, string TextSha256, [PersonalData] string SignedName, DateTimeOffset GrantedAt);
/// <summary>The victim withdrew the authorisation (a mandate can always be revoked, BW 3:72); nothing more is lodged on it.</summary>
public sealed record AuthorisationRevoked(Guid CaseId, string TextSha256, DateTimeOffset RevokedAt);

// Commands
public sealed record OpenCase(Guid CaseId, string Reference, string Language, EscalationMode EscalationMode, DateTimeOffset Now);
public sealed record ChangeEscalationMode(Guid CaseId, EscalationMode EscalationMode, DateTimeOffset Now);
public sealed record CloseCase(Guid CaseId, DateTimeOffset Now);
public sealed record DeleteCase(Guid CaseId, DateTimeOffset Now);
public sealed record RecordVictimDetails(Guid CaseId, string Name, string Email, DateTimeOffset Now);
/// <summary><see cref="ShownSha256"/> is the hash of the text the victim was shown; the text itself is given by the host.</summary>
public sealed record GrantAuthorisation(Guid CaseId, string Text, string ShownSha256, string SignedName, DateTimeOffset Now);
public sealed record RevokeAuthorisation(Guid CaseId, DateTimeOffset Now);

/// <summary>A victim's case. Its requests are streams of their own that carry the case id.</summary>
[SuppressMessage("Naming", "CA1716", Justification = "'Case' is the product's word (zaak); consumers are C#.")]
public sealed record Case(
    Guid Id, CaseStatus Status, string Reference, string Language, EscalationMode EscalationMode, string? VictimName = null, string? VictimEmail = null,
    AuthorisationGranted? Authorisation = null)
{
    public static readonly Case Initial = new(Guid.Empty, CaseStatus.None, "", "nl", EscalationMode.OperatorReview);

    public static readonly IReadOnlyList<string> Languages = ["nl", "en"];

    /// <summary>SHA-256 of an authorisation's UTF-8 text, lower-case hex: what the victim's signature and the dossier refer to.</summary>
    public static string AuthorisationSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

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
        CaseDeletedByVictim => state with { Status = CaseStatus.Deleted, VictimName = null, VictimEmail = null, Authorisation = null },
        VictimDetailsRecorded e => state with { VictimName = e.Name, VictimEmail = e.Email },
        AuthorisationGranted e => state with { Authorisation = e },
        AuthorisationRevoked => state with { Authorisation = null },
        _ => state,
    };

    public static object[] Decide(object command, Case state) => command switch
    {
        OpenCase c => Open(c, state),
        ChangeEscalationMode c => ChangeMode(c, state),
        CloseCase c => Close(c, state),
        DeleteCase c => Delete(c, state),
        RecordVictimDetails c => RecordDetails(c, state),
        GrantAuthorisation c => Grant(c, state),
        RevokeAuthorisation c => state.Authorisation is { } granted
            ? [new AuthorisationRevoked(state.Id, granted.TextSha256, c.Now)]
            : [],
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

    private static object[] Grant(GrantAuthorisation c, Case state)
    {
        EnsureOpen(state, "authorise us on it");
        var sha = AuthorisationSha256(c.Text ?? "");
        if (state.Authorisation?.TextSha256 == sha)
        {
            return [];
        }
        if (string.IsNullOrWhiteSpace(c.Text))
        {
            throw new DomainRuleViolated("An authorisation needs its text.");
        }
        // The victim agrees to the text they read: a different hash means the text changed under them.
        if (!string.Equals(c.ShownSha256, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainRuleViolated("The authorisation's text is not the one shown; read it again and sign it then.", DomainRuleViolated.TextChanged);
        }
        // Typing one's own name is the signature: it must be the name the letters use for the victim.
        return state.VictimName is { } name && string.Equals(c.SignedName?.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)
            ? [new AuthorisationGranted(state.Id, c.Text, sha, c.SignedName!.Trim(), c.Now)]
            : throw new DomainRuleViolated("Sign by typing your name exactly as it is on the case.", DomainRuleViolated.NameMismatch);
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
