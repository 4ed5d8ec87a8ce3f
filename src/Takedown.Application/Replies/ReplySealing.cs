using System.Globalization;
using Npgsql;
using Takedown.Application.Sealing;
using Marten;
using Takedown.Application.Storage;

namespace Takedown.Application.Replies;

/// <summary>
/// The keys mail matched to no case is sealed with: one per calendar month (UTC) of arrival. Such mail belongs to no
/// case whose key could be destroyed, so it is kept only for <c>Privacy:UnmatchedMailRetention</c>; once every message
/// of a month is past that, the month's key is destroyed as well, so whatever copy of those rows outlives their
/// deletion without the key (row versions not yet vacuumed, a copy of the table) holds nothing anyone can read. A full
/// backup taken before holds the wrapped key too: only the backups' own retention limits that.
/// </summary>
public static class UnmatchedMail
{
    // Case ids are UUIDv7, which start with a timestamp; these start with zeros (1970) and end in the month's digits,
    // so they can never be a case's and they sort by month, which lets the retention sweep find the old ones by range.
    private const string Prefix = "00000000-0000-0000-0000-";

    /// <summary>The lowest key subject of unmatched mail.</summary>
    public static readonly Guid First = Guid.Parse(Prefix + "000000000000", CultureInfo.InvariantCulture);

    /// <summary>The highest key subject of unmatched mail.</summary>
    public static readonly Guid Last = Guid.Parse(Prefix + "999999999999", CultureInfo.InvariantCulture);

    /// <summary>The key subject for unmatched mail received at <paramref name="receivedAt"/>.</summary>
    public static Guid KeySubject(DateTimeOffset receivedAt)
    {
        var utc = receivedAt.UtcDateTime;
        return Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{utc.Year:D4}{utc.Month:D2}000000"), CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="subject"/> is the key subject of unmatched mail rather than a case.</summary>
    public static bool IsKeySubject(Guid? subject) => subject is { } s && s.CompareTo(First) >= 0 && s.CompareTo(Last) <= 0;
}

/// <summary>
/// Raw replies at rest (<c>inbound_mail.raw</c>): sealed (AES-256-GCM) with the key of the case the reply address
/// names (a request's, a report's or the case's own address: every such stream records its case as subject), so
/// erasing the case makes the message unreadable wherever a copy of the row survives; mail matched to no case is
/// sealed with the month's key for unmatched mail (<see cref="UnmatchedMail"/>). The evidence hash (SHA-256 of the
/// message as received) is taken from the plaintext before sealing. <c>inbound_mail.sealed_for</c> names the key's
/// subject; NULL marks a row written before replies were sealed, read as plaintext until
/// <see cref="SealPlaintextAsync"/> seals it.
/// </summary>
public sealed class ReplySealing(NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time)
{
    private const int PassBatchSize = 20;

    private PersonalDataProtection Protection => options.Protection
        ?? throw new InvalidOperationException("Personal data protection is not configured: replies cannot be sealed.");

    private string Schema => options.Schema;

    /// <summary>The case of the stream a reply address names, or null when no such stream (with a case) exists.</summary>
    public async Task<Guid?> CaseOfAsync(Guid streamId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT case_id FROM {Schema}.case_streams WHERE stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>
    /// Seals a raw message for its case, or for the month's unmatched mail when <paramref name="caseId"/> is null.
    /// Null when the case's key was destroyed: the case was erased, and the message must not be kept.
    /// </summary>
    public async Task<(Guid SealedFor, byte[] Sealed)?> SealAsync(
        Guid replyId, Guid? caseId, DateTimeOffset receivedAt, byte[] raw, CancellationToken cancellationToken)
    {
        var subject = caseId ?? UnmatchedMail.KeySubject(receivedAt);
        return await Protection.SealAsync(dataSource, Schema, time, subject, raw, Context(replyId), cancellationToken) is { } sealedBytes
            ? (subject, sealedBytes)
            : null;
    }

    /// <summary>
    /// The message as received. <paramref name="wrappedKey"/> is <c>encryption_keys.key</c> of
    /// <paramref name="sealedFor"/>, read in the same query as the row. Null when the key was destroyed or the bytes do
    /// not open for this reply; a row not sealed yet (<paramref name="sealedFor"/> null) is returned as stored.
    /// </summary>
    public byte[]? Open(Guid replyId, Guid? sealedFor, byte[]? wrappedKey, byte[] stored) =>
        sealedFor is { } subject ? Protection.Open(subject, wrappedKey, stored, Context(replyId)) : stored;

    /// <summary>
    /// Seals the replies stored before replies were sealed, a few at a time, each batch in its own transaction (rows
    /// taken <c>FOR UPDATE SKIP LOCKED</c>, so several hosts starting at once share the work). A reply whose case key
    /// was destroyed, or unmatched mail whose month's key was, is deleted. Returns how many rows were sealed or deleted.
    /// </summary>
    public async Task<int> SealPlaintextAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = new List<(Guid Id, DateTimeOffset ReceivedAt, byte[] Raw, Guid? CaseId)>();
            await using (var select = new NpgsqlCommand($"""
                SELECT m.id, m.received_at, m.raw, s.case_id
                FROM {Schema}.inbound_mail m LEFT JOIN {Schema}.case_streams s ON s.stream_id = m.request_id
                WHERE m.sealed_for IS NULL ORDER BY m.id LIMIT {PassBatchSize} FOR UPDATE OF m SKIP LOCKED
                """, connection, transaction))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<byte[]>(2),
                        reader.IsDBNull(3) ? null : reader.GetGuid(3)));
                }
            }
            if (rows.Count == 0)
            {
                return total;
            }
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (id, receivedAt, raw, caseId) in rows)
            {
                batch.BatchCommands.Add(await SealAsync(id, caseId, receivedAt, raw, cancellationToken) is { } sealedRow
                    ? new NpgsqlBatchCommand($"UPDATE {Schema}.inbound_mail SET raw = $2, sealed_for = $3 WHERE id = $1")
                    {
                        Parameters =
                        {
                            new NpgsqlParameter { Value = id },
                            new NpgsqlParameter { Value = sealedRow.Sealed },
                            new NpgsqlParameter { Value = sealedRow.SealedFor },
                        },
                    }
                    : new NpgsqlBatchCommand($"DELETE FROM {Schema}.inbound_mail WHERE id = $1") { Parameters = { new NpgsqlParameter { Value = id } } });
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            total += rows.Count;
        }
    }

    /// <summary>Bound into the sealed bytes with the subject: a message copied to another reply's row does not open.</summary>
    private static byte[] Context(Guid replyId) => [.. replyId.ToByteArray(), .. "inbound_mail.raw"u8];
}
