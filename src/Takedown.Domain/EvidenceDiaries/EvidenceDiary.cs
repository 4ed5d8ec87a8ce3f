using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Takedown.Domain.Deadlines;

namespace Takedown.Domain.EvidenceDiaries;

/// <summary>A file kept with a diary entry: its bytes are stored elsewhere, the entry holds their SHA-256.</summary>
public sealed record DiaryAttachment(Guid AttachmentId, string FileName, string ContentType, long Size, string Sha256);

// Events

/// <summary>
/// One entry of the evidence diary (bewijsdagboek), as the police advise for a report of stalking (aangifte van
/// belaging): date, time, place, duration, what happened, witnesses and attachments. <see cref="PreviousHash"/> is the
/// hash of the entry before (zeros for the first), <see cref="Hash"/> the SHA-256 of this entry's canonical form, so
/// the entries form a chain: changing or removing one breaks every hash after it.
/// </summary>
public sealed record DiaryEntryRecorded(
    Guid DiaryId,
    Guid CaseId,
    Guid EntryId,
    int Sequence,
    DateOnly OccurredOn,
    TimeOnly? OccurredTime,
    [PersonalData] string Place,
    [PersonalData] string Duration,
    [PersonalData] string WhatHappened,
    [PersonalData] IReadOnlyList<string> Witnesses,
    [PersonalData] IReadOnlyList<DiaryAttachment> Attachments,
    string PreviousHash,
    string Hash,
    DateTimeOffset RecordedAt);

// Commands
public sealed record RecordDiaryEntry(
    Guid DiaryId,
    Guid CaseId,
    Guid EntryId,
    DateOnly OccurredOn,
    TimeOnly? OccurredTime,
    string Place,
    string Duration,
    string WhatHappened,
    IReadOnlyList<string> Witnesses,
    IReadOnlyList<DiaryAttachment> Attachments,
    DateTimeOffset Now);

/// <summary>Whether a diary's chain is intact; otherwise the first entry that does not fit and why.</summary>
public sealed record DiaryVerification(bool IsIntact, int EntryCount, int? FirstBrokenSequence, string? Reason);

/// <summary>
/// A victim's evidence diary on a case: append-only. There is no command to change or remove an entry; a correction
/// is a new entry, as it would be in a paper diary shown to the police.
/// </summary>
public sealed record EvidenceDiary(Guid Id, Guid CaseId, int Count, string LastHash, IReadOnlyList<Guid> EntryIds)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const int MaxText = 5000;
    public const int MaxShortText = 200;
    public const int MaxWitnesses = 20;
    public const int MaxAttachments = 10;

    public static readonly EvidenceDiary Initial = new(Guid.Empty, Guid.Empty, 0, GenesisHash, []);

    // A fixed namespace for the name-based diary ids (RFC 9562 UUID version 5).
    private static readonly Guid Namespace = new("5b0f9c3e-8a3f-4d52-9a8e-6c1e2f7b4d10");

    /// <summary>The diary's stream id, derived from the case id: one diary per case, found without a lookup.</summary>
    public static Guid IdFor(Guid caseId)
    {
        var name = Encoding.UTF8.GetBytes(caseId.ToString("D"));
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5 ids; it is not used for security here.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static EvidenceDiary Evolve(EvidenceDiary state, object @event) => @event switch
    {
        DiaryEntryRecorded e => state with { Id = e.DiaryId, CaseId = e.CaseId, Count = e.Sequence, LastHash = e.Hash, EntryIds = [.. state.EntryIds, e.EntryId] },
        _ => state,
    };

    public static object[] Decide(object command, EvidenceDiary state) => command switch
    {
        RecordDiaryEntry c => Record(c, state),
        _ => throw new DomainRuleViolated($"An evidence diary does not handle {command.GetType().Name}."),
    };

    private static object[] Record(RecordDiaryEntry c, EvidenceDiary state)
    {
        if (state.EntryIds.Contains(c.EntryId))
        {
            return [];
        }
        if (c.DiaryId != IdFor(c.CaseId) || (state.Count > 0 && state.CaseId != c.CaseId))
        {
            throw new DomainRuleViolated("This diary belongs to another case.");
        }
        if (string.IsNullOrWhiteSpace(c.WhatHappened))
        {
            throw new DomainRuleViolated("Describe what happened.");
        }
        if (c.WhatHappened.Length > MaxText || c.Place.Length > MaxShortText || c.Duration.Length > MaxShortText)
        {
            throw new DomainRuleViolated($"What happened may be at most {MaxText} characters; place and duration at most {MaxShortText}.");
        }
        if (c.Witnesses.Count > MaxWitnesses || c.Witnesses.Any(w => string.IsNullOrWhiteSpace(w) || w.Length > MaxShortText))
        {
            throw new DomainRuleViolated($"At most {MaxWitnesses} witnesses, each named in at most {MaxShortText} characters.");
        }
        if (c.Attachments.Count > MaxAttachments)
        {
            throw new DomainRuleViolated($"At most {MaxAttachments} attachments per entry.");
        }
        // A day of margin: the victim writes in local time, the clock runs in UTC.
        if (c.OccurredOn > DateOnly.FromDateTime(c.Now.UtcDateTime).AddDays(1))
        {
            throw new DomainRuleViolated("An entry cannot be about a day in the future.", DomainRuleViolated.DateInFuture);
        }
        var sequence = state.Count + 1;
        var entry = new DiaryEntryRecorded(c.DiaryId, c.CaseId, c.EntryId, sequence, c.OccurredOn, c.OccurredTime, c.Place.Trim(),
            c.Duration.Trim(), c.WhatHappened.Trim(), [.. c.Witnesses.Select(w => w.Trim())], c.Attachments, state.LastHash, "", c.Now);
        return [entry with { Hash = HashOf(entry) }];
    }

    /// <summary>
    /// The SHA-256 (lower-case hex) of an entry's canonical form: every field but <see cref="DiaryEntryRecorded.Hash"/>,
    /// each as <c>name:length:value</c> on its own line, so no choice of text can make two entries read the same.
    /// </summary>
    public static string HashOf(DiaryEntryRecorded entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalForm(entry))));
    }

    public static string CanonicalForm(DiaryEntryRecorded entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = new StringBuilder();
        void Field(string name, string value) =>
            text.Append(name).Append(':').Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
        Field("diary", entry.DiaryId.ToString("D"));
        Field("case", entry.CaseId.ToString("D"));
        Field("entry", entry.EntryId.ToString("D"));
        Field("sequence", entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Field("occurred-on", entry.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Field("occurred-time", entry.OccurredTime?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "");
        Field("place", entry.Place);
        Field("duration", entry.Duration);
        Field("what-happened", entry.WhatHappened);
        Field("witnesses", entry.Witnesses.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var witness in entry.Witnesses)
        {
            Field("witness", witness);
        }
        Field("attachments", entry.Attachments.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var a in entry.Attachments)
        {
            Field("attachment", a.AttachmentId.ToString("D"));
            Field("file-name", a.FileName);
            Field("content-type", a.ContentType);
            Field("size", a.Size.ToString(CultureInfo.InvariantCulture));
            Field("sha256", a.Sha256);
        }
        Field("previous", entry.PreviousHash);
        Field("recorded-at", entry.RecordedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>
    /// The window for the stalking complaint (Sr art. 66, a request to prosecute under Sv art. 164), counted from the
    /// earliest incident in the diary: the safe side, since the victim learned of the stalking no later than that
    /// (<see cref="DeadlineEngine.StalkingComplaint"/>). Null while the diary is empty.
    /// </summary>
    public static Deadline? StalkingComplaintWindow(IReadOnlyList<DiaryEntryRecorded> entries, DeadlineEngine engine)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(engine);
        return entries.Count == 0 ? null : engine.StalkingComplaint(entries.Min(e => e.OccurredOn));
    }

    /// <summary>Checks the chain: sequence numbers without gaps, each entry's hash over its content, each link to the one before.</summary>
    public static DiaryVerification Verify(IReadOnlyList<DiaryEntryRecorded> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previous = GenesisHash;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Sequence != i + 1)
            {
                return new DiaryVerification(false, entries.Count, i + 1, $"Entry {i + 1} is missing or out of order.");
            }
            if (e.PreviousHash != previous)
            {
                return new DiaryVerification(false, entries.Count, e.Sequence, $"Entry {e.Sequence} does not link to the entry before it.");
            }
            if (HashOf(e) != e.Hash)
            {
                return new DiaryVerification(false, entries.Count, e.Sequence, $"Entry {e.Sequence} was changed after it was recorded.");
            }
            previous = e.Hash;
        }
        return new DiaryVerification(true, entries.Count, null, null);
    }
}
