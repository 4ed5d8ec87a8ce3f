namespace Takedown.Domain.Letters;

public enum LetterStatus
{
    None,
    Prepared,
    Approved,
    Sent,
    Failed,
}

/// <summary>How a letter reaches its recipient: only e-mail letters are sent by the service itself.</summary>
public static class LetterChannels
{
    /// <summary>Sent by the worker over SMTP once it may go.</summary>
    public const string Email = "email";

    /// <summary>Printed by the victim and sent by registered post: the service never sends it.</summary>
    public const string Post = "post";

    /// <summary>
    /// Kept as the copy of what is entered on a web form, which gives no copy back: an operator on the AP's form, or the
    /// victim on a controller's privacy form.
    /// </summary>
    public const string WebForm = "web-form";

    public static readonly IReadOnlyList<string> All = [Email, Post, WebForm];
}

// Events

/// <summary>
/// The exact text of a letter, kept as evidence: what was approved is what is sent, and its SHA-256 proves it later.
/// <see cref="RequestId"/> is the request the letter belongs to (empty for a letter on the case itself).
/// <see cref="Channel"/> is one of <see cref="LetterChannels"/> (null in events stored before it existed: e-mail);
/// <see cref="PostalAddress"/> the address block of a letter for the post; <see cref="ReplyAddress"/> the address the
/// text asks answers to go to, which the e-mail's Reply-To repeats (null before it was stored).
/// </summary>
public sealed record LetterPrepared(
    Guid LetterId,
    Guid CaseId,
    Guid RequestId,
    string Kind,
    string Language,
    [PersonalData] string RecipientName,
    [PersonalData] string RecipientEmail,
    [PersonalData] string Subject,
    [PersonalData] string PlainText,
    [PersonalData] string Html,
    string ContentSha256,
    bool NeedsApproval,
    DateTimeOffset PreparedAt,
    [PersonalData] IReadOnlyList<string>? PostalAddress = null,
    string? Channel = null,
    string? ReplyAddress = null);
public sealed record LetterApproved(Guid LetterId, string ApprovedBy, DateTimeOffset ApprovedAt);
/// <summary>Accepted by the SMTP server: the Message-ID and the server's reply are the proof of sending.</summary>
public sealed record LetterSent(Guid LetterId, string MessageId, string ContentSha256, [PersonalData] string ServerReply, DateTimeOffset SentAt);
/// <summary>The server refused the letter for good (5xx); an operator must act (e.g. a wrong address).</summary>
public sealed record LetterSendFailed(Guid LetterId, string StatusCode, [PersonalData] string Reason, DateTimeOffset FailedAt);

/// <summary>
/// The victim sent a letter for the post by registered post on <see cref="PostedOn"/>: the proof that they told the other
/// person to stop, which the police ask for when stalking is reported. <see cref="TrackingCode"/> is the barcode on the
/// post office's receipt (track and trace), when they entered it. Recorded again, the latest counts; the earlier ones
/// stay in the history.
/// </summary>
public sealed record LetterPosted(Guid LetterId, DateOnly PostedOn, [PersonalData] string? TrackingCode, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// A file sent with the letter besides its text, such as the victim's identity document with the BSN, photo and address
/// masked (GDPR Art. 12(6)); kept sealed under the case's key like the text, erased with the case.
/// <see cref="Sha256"/> is the hash of the file's bytes, lower-case hex.
/// </summary>
public sealed record LetterAttachmentAdded(
    Guid LetterId, [PersonalData] string FileName, string ContentType, [PersonalData] string ContentBase64, string Sha256, DateTimeOffset AddedAt);

// Commands
public sealed record AddLetterAttachment(Guid LetterId, string FileName, string ContentType, byte[] Content, DateTimeOffset Now);
public sealed record PrepareLetter(
    Guid LetterId, Guid CaseId, Guid RequestId, string Kind, string Language, string RecipientName, string RecipientEmail,
    string Subject, string PlainText, string Html, string ContentSha256, bool NeedsApproval, DateTimeOffset Now,
    IReadOnlyList<string>? PostalAddress = null, string Channel = LetterChannels.Email, string? ReplyAddress = null);
public sealed record ApproveLetter(Guid LetterId, string ApprovedBy, string ContentSha256, DateTimeOffset Now);
public sealed record RecordLetterSent(Guid LetterId, string MessageId, string ServerReply, DateTimeOffset Now);
public sealed record RecordLetterFailure(Guid LetterId, string StatusCode, string Reason, DateTimeOffset Now);
/// <summary><see cref="Today"/> is the victim's date now: a letter cannot have been posted after it.</summary>
public sealed record RecordLetterPosted(Guid LetterId, DateOnly PostedOn, string? TrackingCode, string RecordedBy, DateOnly Today, DateTimeOffset Now);

/// <summary>A letter or e-mail we send on the victim's behalf (or to the victim), from preparation to proof of sending.</summary>
public sealed record Letter(
    Guid Id, Guid CaseId, Guid RequestId, LetterStatus Status, string Kind, string ContentSha256, bool NeedsApproval, string? MessageId,
    string Channel = LetterChannels.Email, LetterPosted? Posted = null)
{
    /// <summary>The longest tracking code taken: PostNL's are 13 characters, other carriers' up to about 30.</summary>
    public const int MaxTrackingCodeLength = 40;

    public static readonly Letter Initial = new(Guid.Empty, Guid.Empty, Guid.Empty, LetterStatus.None, "", "", true, null);

    /// <summary>
    /// Whether the service may send the letter by e-mail: approved by the victim, or one that needs no approval (a notice
    /// to the victim). A letter for the post or the AP's web form is never e-mailed, whatever its status.
    /// </summary>
    public bool MaySend => Channel == LetterChannels.Email
        && (Status == LetterStatus.Approved || (Status == LetterStatus.Prepared && !NeedsApproval));

    public static Letter Evolve(Letter state, object @event) => @event switch
    {
        LetterPrepared e => state with
        {
            Id = e.LetterId, CaseId = e.CaseId, RequestId = e.RequestId, Status = LetterStatus.Prepared, Kind = e.Kind,
            ContentSha256 = e.ContentSha256, NeedsApproval = e.NeedsApproval, Channel = e.Channel ?? LetterChannels.Email,
        },
        LetterApproved => state with { Status = LetterStatus.Approved },
        LetterSent e => state with { Status = LetterStatus.Sent, MessageId = e.MessageId },
        LetterSendFailed => state with { Status = LetterStatus.Failed },
        LetterPosted e => state with { Posted = e },
        _ => state,
    };

    public static object[] Decide(object command, Letter state) => command switch
    {
        PrepareLetter c when state.Status == LetterStatus.None => Prepare(c),
        PrepareLetter => state.ContentSha256 == ((PrepareLetter)command).ContentSha256
            ? []
            : throw new DomainRuleViolated("This letter was already prepared with another text; prepare a new letter instead."),
        ApproveLetter c => Approve(c, state),
        RecordLetterSent c => state.Status switch
        {
            LetterStatus.Sent => [],
            _ when state.MaySend => [new LetterSent(state.Id, c.MessageId, state.ContentSha256, c.ServerReply, c.Now)],
            _ => throw new DomainRuleViolated("A letter is sent only after the victim approved it."),
        },
        RecordLetterFailure c => state.Status switch
        {
            LetterStatus.Failed => [],
            LetterStatus.Sent => throw new DomainRuleViolated("The letter was already sent."),
            _ => [new LetterSendFailed(state.Id, c.StatusCode, c.Reason, c.Now)],
        },
        RecordLetterPosted c => RecordPosting(c, state),
        AddLetterAttachment c => AddAttachment(c, state),
        _ => throw new DomainRuleViolated($"A letter does not handle {command.GetType().Name}."),
    };

    /// <summary>The tracking code as stored: upper case, without the spaces and dashes people type in it.</summary>
    public static string? NormalizeTrackingCode(string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : new string([.. code.Where(ch => ch is not (' ' or '-')).Select(char.ToUpperInvariant)]);

    private static object[] RecordPosting(RecordLetterPosted c, Letter state)
    {
        if (state.Status == LetterStatus.None)
        {
            throw new DomainRuleViolated("There is no letter to record as posted.");
        }
        if (state.Channel != LetterChannels.Post)
        {
            throw new DomainRuleViolated("Only a letter for the post is posted; the service sends this one itself.");
        }
        if (c.PostedOn > c.Today)
        {
            throw new DomainRuleViolated("The date of posting cannot be in the future.", DomainRuleViolated.DateInFuture);
        }
        var code = NormalizeTrackingCode(c.TrackingCode);
        if (code is not null && (code.Length > MaxTrackingCodeLength || !code.All(char.IsAsciiLetterOrDigit)))
        {
            throw new DomainRuleViolated($"A tracking code has letters and digits only, at most {MaxTrackingCodeLength}, as on the post office's receipt.");
        }
        return state.Posted is { } known && known.PostedOn == c.PostedOn && known.TrackingCode == code
            ? []
            : [new LetterPosted(state.Id, c.PostedOn, code, c.RecordedBy, c.Now)];
    }

    private static object[] AddAttachment(AddLetterAttachment c, Letter state)
    {
        // The victim approves the text and the file together: nothing is added once it was approved or sent.
        if (state.Status != LetterStatus.Prepared || state.Channel != LetterChannels.Email)
        {
            throw new DomainRuleViolated("A file can be added only to an e-mail letter that has not been approved yet.");
        }
        if (c.Content is not { Length: > 0 } || string.IsNullOrWhiteSpace(c.FileName) || string.IsNullOrWhiteSpace(c.ContentType))
        {
            throw new DomainRuleViolated("An attachment needs its file name, type and content.");
        }
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(c.Content));
        return [new LetterAttachmentAdded(state.Id, c.FileName, c.ContentType, Convert.ToBase64String(c.Content), sha, c.Now)];
    }

    private static object[] Prepare(PrepareLetter c)
    {
        if (string.IsNullOrWhiteSpace(c.PlainText))
        {
            throw new DomainRuleViolated("A letter needs a recipient and a text.");
        }
        switch (c.Channel)
        {
            case LetterChannels.Email when string.IsNullOrWhiteSpace(c.RecipientEmail):
                throw new DomainRuleViolated("A letter needs a recipient and a text.");
            case LetterChannels.Post when string.IsNullOrWhiteSpace(c.RecipientName) || c.PostalAddress is not { Count: > 0 } address || address.Any(string.IsNullOrWhiteSpace):
                throw new DomainRuleViolated("A letter for the post needs the recipient's name and postal address.");
            case not (LetterChannels.Email or LetterChannels.Post or LetterChannels.WebForm):
                throw new DomainRuleViolated($"A letter goes by e-mail, by post or on a web form, not by '{c.Channel}'.");
        }
        // Events stored before channels existed mean e-mail; a new e-mail letter keeps that shape.
        return [new LetterPrepared(c.LetterId, c.CaseId, c.RequestId, c.Kind, c.Language, c.RecipientName, c.RecipientEmail, c.Subject,
            c.PlainText, c.Html, c.ContentSha256, c.NeedsApproval, c.Now, c.PostalAddress,
            c.Channel == LetterChannels.Email ? null : c.Channel, c.ReplyAddress)];
    }

    private static object[] Approve(ApproveLetter c, Letter state)
    {
        switch (state.Status)
        {
            case LetterStatus.None:
                throw new DomainRuleViolated("There is no letter to approve.");
            case LetterStatus.Approved or LetterStatus.Sent:
                return [];
            case LetterStatus.Failed:
                throw new DomainRuleViolated("Sending this letter failed; it cannot be approved again.");
        }
        // The victim approves the text they saw: a hash mismatch means the text changed under them.
        return c.ContentSha256 != state.ContentSha256
            ? throw new DomainRuleViolated("The letter's text is not the one shown for approval; reload it and approve again.", DomainRuleViolated.TextChanged)
            : [new LetterApproved(state.Id, c.ApprovedBy, c.Now)];
    }
}
