using System.Security.Cryptography;
using Npgsql;
using Takedown.Application;
using Takedown.Domain.Cases;
using Takedown.Domain.EvidenceDiaries;
using Takedown.EventStore;

namespace Takedown.Api.Portal;

/// <summary>A file the victim adds to a diary entry, as uploaded.</summary>
public sealed record DiaryUpload(string FileName, byte[] Content);

/// <summary>A diary entry as the victim wrote it (the page checked the fields).</summary>
public sealed record DiaryEntryInput(
    DateOnly OccurredOn, TimeOnly? OccurredTime, string Place, string Duration, string WhatHappened, IReadOnlyList<string> Witnesses,
    IReadOnlyList<DiaryUpload> Uploads);

/// <summary>
/// The evidence diary of a case: entries go to the diary's stream, attachment bytes to the portal's own table in the
/// same transaction, so an entry never names a file that was not stored.
/// </summary>
public sealed class PortalDiary(EventStore.EventStore store, EventStoreOptions options, NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MaxAttachmentBytes = 5 * 1024 * 1024;

    /// <summary>The types accepted, recognised by their first bytes (never by the name or the browser's say-so).</summary>
    public static string? ContentTypeOf(ReadOnlySpan<byte> content) => content switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', ..] => "application/pdf",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    public async Task<IReadOnlyList<DiaryEntryRecorded>> EntriesAsync(Guid caseId, CancellationToken cancellationToken) =>
        [.. (await store.FetchStreamAsync(EvidenceDiary.IdFor(caseId), cancellationToken: cancellationToken)).Select(e => e.Data).OfType<DiaryEntryRecorded>()];

    public async Task<DiaryEntryRecorded> RecordAsync(Guid caseId, DiaryEntryInput input, string actor, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (@case, _) = await store.AggregateStreamAsync(caseId, Case.Initial, Case.Evolve, cancellationToken: cancellationToken);
        if (@case.Status is CaseStatus.None or CaseStatus.Deleted)
        {
            throw new Domain.DomainRuleViolated("There is no such case.");
        }
        var attachments = new List<DiaryAttachment>();
        var rows = new AttachmentRows(options.Schema, caseId, time.GetUtcNow());
        foreach (var upload in input.Uploads)
        {
            var type = ContentTypeOf(upload.Content) ?? throw new Domain.DomainRuleViolated("Only photos (JPEG, PNG, WebP) and PDF files can be attached.");
            if (upload.Content.Length > MaxAttachmentBytes)
            {
                throw new Domain.DomainRuleViolated("An attachment may be at most 5 MB.");
            }
            var attachment = new DiaryAttachment(Guid.CreateVersion7(time.GetUtcNow()), SafeName(upload.FileName), type, upload.Content.Length,
                Convert.ToHexStringLower(SHA256.HashData(upload.Content)));
            attachments.Add(attachment);
            rows.Add(attachment, upload.Content);
        }
        var diaryId = EvidenceDiary.IdFor(caseId);
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        var (events, _) = await session.DecideAsync(diaryId, EvidenceDiary.Initial, EvidenceDiary.Evolve, state => EvidenceDiary.Decide(
            new RecordDiaryEntry(diaryId, caseId, Guid.CreateVersion7(time.GetUtcNow()), input.OccurredOn, input.OccurredTime, input.Place,
                input.Duration, input.WhatHappened, input.Witnesses, attachments, time.GetUtcNow()),
            state), cancellationToken);
        session.Enlist(rows);
        await session.SaveChangesAsync(cancellationToken);
        return (DiaryEntryRecorded)events.Single();
    }

    public async Task<(DiaryAttachment Attachment, byte[] Content)?> AttachmentAsync(Guid caseId, Guid attachmentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT file_name, content_type, size, sha256, content FROM {options.Schema}.portal_diary_attachments WHERE id = $1 AND case_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = attachmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (new DiaryAttachment(attachmentId, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)), reader.GetFieldValue<byte[]>(4))
            : null;
    }

    /// <summary>Only the last part of the name, without characters that could break a header or a path.</summary>
    private static string SafeName(string name)
    {
        var last = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new string([.. last.Where(c => !char.IsControl(c) && c is not '"' and not '/' and not ';')]).Trim();
        return clean.Length == 0 ? "bijlage" : clean[..Math.Min(clean.Length, 120)];
    }

    private sealed class AttachmentRows(string schema, Guid caseId, DateTimeOffset now) : ISessionParticipant
    {
        private readonly List<(DiaryAttachment Attachment, byte[] Content)> _rows = [];

        public void Add(DiaryAttachment attachment, byte[] content) => _rows.Add((attachment, content));

        public async Task BeforeCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            foreach (var (a, content) in _rows)
            {
                await using var command = new NpgsqlCommand(
                    $"INSERT INTO {schema}.portal_diary_attachments (id, case_id, file_name, content_type, size, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    connection, transaction);
                foreach (var value in new object[] { a.AttachmentId, caseId, a.FileName, a.ContentType, a.Size, a.Sha256, content, now })
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
