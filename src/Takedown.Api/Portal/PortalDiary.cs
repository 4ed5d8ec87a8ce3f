using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Takedown.Application;
using Takedown.Domain.Cases;
using Takedown.Domain.EvidenceDiaries;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Application.Sealing;

namespace Takedown.Api.Portal;

/// <summary>A file the victim adds to a diary entry, as uploaded.</summary>
public sealed record DiaryUpload(string FileName, byte[] Content);

/// <summary>A diary entry as the victim wrote it (the page checked the fields).</summary>
public sealed record DiaryEntryInput(
    DateOnly OccurredOn, TimeOnly? OccurredTime, string Place, string Duration, string WhatHappened, IReadOnlyList<string> Witnesses,
    IReadOnlyList<DiaryUpload> Uploads);

/// <summary>
/// The evidence diary of a case: entries go to the diary's stream, attachment bytes to the portal's own table in the
/// same transaction, so an entry never names a file that was not stored. An attachment's bytes and file name are
/// sealed with the case's key (AES-256-GCM, bound to the case, the attachment and the column), like the personal data
/// in events: erasing the case destroys the key, and any copy of the row left anywhere is unreadable. The entry's
/// chain hashes the plaintext (its SHA-256 is taken before sealing), so the chain can be checked against the file as
/// the victim downloads it, whatever ciphertext it was stored as.
/// </summary>
public sealed class PortalDiary(IDocumentStore store, DatabaseOptions options, NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MaxAttachmentBytes = 5 * 1024 * 1024;

    private const string ContentColumn = "content";
    private const string NameColumn = "file_name";

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
            rows.Add(attachment, await SealAsync(caseId, attachment.AttachmentId, attachment.FileName, upload.Content, cancellationToken)
                ?? throw new Domain.DomainRuleViolated("There is no such case."));
        }
        var diaryId = EvidenceDiary.IdFor(caseId);
        await using var session = store.LightweightSession(new EventMetadata(correlationId, null, actor));
        var (events, _) = await session.DecideAsync(diaryId, EvidenceDiary.Initial, EvidenceDiary.Evolve, state => EvidenceDiary.Decide(
            new RecordDiaryEntry(diaryId, caseId, Guid.CreateVersion7(time.GetUtcNow()), input.OccurredOn, input.OccurredTime, input.Place,
                input.Duration, input.WhatHappened, input.Witnesses, attachments, time.GetUtcNow()),
            state), cancellationToken);
        rows.QueueIn(session);
        await session.SaveChangesAsync(cancellationToken);
        return (DiaryEntryRecorded)events.Single();
    }

    /// <summary>The attachment and its bytes, or null when the case has no such attachment or was erased (its key destroyed).</summary>
    public async Task<(DiaryAttachment Attachment, byte[] Content)?> AttachmentAsync(Guid caseId, Guid attachmentId, CancellationToken cancellationToken)
    {
        // The case's wrapped key comes in the same round trip, never from a cache: a key destroyed by another process
        // counts at once.
        await using var command = dataSource.CreateCommand($"""
            SELECT a.file_name, a.content_type, a.size, a.sha256, a.content, a.sealed, a.sealed_file_name, k.key
            FROM {options.Schema}.portal_diary_attachments a
            LEFT JOIN {options.Schema}.encryption_keys k ON k.subject_id = a.case_id
            WHERE a.id = $1 AND a.case_id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = attachmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var stored = reader.GetFieldValue<byte[]>(4);
        string fileName;
        byte[] content;
        if (reader.GetBoolean(5))
        {
            var protection = Protection;
            var key = reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7);
            var name = reader.IsDBNull(6) ? null : protection.Open(caseId, key, reader.GetFieldValue<byte[]>(6), Context(attachmentId, NameColumn));
            var bytes = protection.Open(caseId, key, stored, Context(attachmentId, ContentColumn));
            if (name is null || bytes is null)
            {
                return null;
            }
            fileName = Encoding.UTF8.GetString(name);
            content = bytes;
        }
        else
        {
            // Written before attachments were sealed and not yet sealed by the start-up pass.
            fileName = reader.GetString(0);
            content = stored;
        }
        return (new DiaryAttachment(attachmentId, fileName, reader.GetString(1), reader.GetInt64(2), reader.GetString(3)), content);
    }

    /// <summary>
    /// Seals the attachments stored before sealing was introduced, a few at a time, each batch in its own transaction
    /// (rows taken <c>FOR UPDATE SKIP LOCKED</c>, so several hosts starting at once share the work). A row whose case
    /// key was destroyed belongs to an erased case and is deleted. Returns how many rows were sealed or deleted.
    /// </summary>
    public async Task<int> SealPlaintextAttachmentsAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = new List<(Guid Id, Guid CaseId, string FileName, byte[] Content)>();
            await using (var select = new NpgsqlCommand(
                $"SELECT id, case_id, file_name, content FROM {options.Schema}.portal_diary_attachments WHERE NOT sealed ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED",
                connection, transaction))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3)));
                }
            }
            if (rows.Count == 0)
            {
                return total;
            }
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (id, caseId, fileName, content) in rows)
            {
                if (await SealAsync(caseId, id, fileName, content, cancellationToken) is { } sealedRow)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(
                        $"UPDATE {options.Schema}.portal_diary_attachments SET content = $2, sealed_file_name = $3, file_name = '', sealed = true WHERE id = $1")
                    {
                        Parameters =
                        {
                            new NpgsqlParameter { Value = id },
                            new NpgsqlParameter { Value = sealedRow.Content },
                            new NpgsqlParameter { Value = sealedRow.FileName },
                        },
                    });
                }
                else
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand($"DELETE FROM {options.Schema}.portal_diary_attachments WHERE id = $1")
                    {
                        Parameters = { new NpgsqlParameter { Value = id } },
                    });
                }
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            total += rows.Count;
        }
    }

    private PersonalDataProtection Protection => options.Protection
        ?? throw new InvalidOperationException("Personal data protection is not configured: diary attachments cannot be sealed.");

    /// <summary>Bound into each sealed value, so a value copied to another attachment or column does not open.</summary>
    private static byte[] Context(Guid attachmentId, string column) => [.. attachmentId.ToByteArray(), .. Encoding.UTF8.GetBytes(column)];

    /// <summary>The sealed bytes and file name, or null when the case's key is destroyed (the case was erased).</summary>
    private async Task<SealedAttachment?> SealAsync(Guid caseId, Guid attachmentId, string fileName, byte[] content, CancellationToken cancellationToken)
    {
        var sealedContent = await Protection.SealAsync(dataSource, options.Schema, time, caseId, content, Context(attachmentId, ContentColumn), cancellationToken);
        var sealedName = await Protection.SealAsync(dataSource, options.Schema, time, caseId, Encoding.UTF8.GetBytes(fileName), Context(attachmentId, NameColumn), cancellationToken);
        return sealedContent is null || sealedName is null ? null : new SealedAttachment(sealedContent, sealedName);
    }

    private sealed record SealedAttachment(byte[] Content, byte[] FileName);

    /// <summary>Only the last part of the name, without characters that could break a header or a path.</summary>
    private static string SafeName(string name)
    {
        var last = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new string([.. last.Where(c => !char.IsControl(c) && c is not '"' and not '/' and not ';')]).Trim();
        return clean.Length == 0 ? "bijlage" : clean[..Math.Min(clean.Length, 120)];
    }

    private sealed class AttachmentRows(string schema, Guid caseId, DateTimeOffset now)
    {
        private readonly List<(DiaryAttachment Attachment, SealedAttachment Sealed)> _rows = [];

        public void Add(DiaryAttachment attachment, SealedAttachment sealedAttachment) => _rows.Add((attachment, sealedAttachment));

        /// <summary>The rows go in the session's transaction, with the entry that names them.</summary>
        public void QueueIn(IDocumentSession session)
        {
            foreach (var (a, sealedAttachment) in _rows)
            {
                session.QueueSqlCommand($"""
                    INSERT INTO {schema}.portal_diary_attachments (id, case_id, file_name, content_type, size, sha256, content, created_at, sealed, sealed_file_name)
                    VALUES (?, ?, '', ?, ?, ?, ?, ?, true, ?)
                    """, a.AttachmentId, caseId, a.ContentType, a.Size, a.Sha256, sealedAttachment.Content, now.ToUniversalTime(), sealedAttachment.FileName);
            }
        }
    }
}
