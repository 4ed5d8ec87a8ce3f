using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Takedown.Application.Replies;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Application.Privacy;

/// <summary>
/// Everything held about a case, decrypted: each stream of the case with its events in order, and the replies that came
/// to the case's reply addresses.
/// </summary>
public sealed record CaseExportDocument(
    Guid CaseId, DateTimeOffset ExportedAt, IReadOnlyList<ExportedStream> Streams, IReadOnlyList<ExportedReply> Replies);

public sealed record ExportedStream(Guid StreamId, string Kind, IReadOnlyList<ExportedEvent> Events);

public sealed record ExportedEvent(long Version, string Type, DateTimeOffset At, string? Actor, JsonElement Data);

/// <summary>
/// A reply as received: the stream whose reply address it came to, its SHA-256 (the evidence the request's history
/// names), what it was taken to mean, the decoded sender, subject and text, and the whole message (base64), which
/// hashes to <see cref="Sha256"/>.
/// </summary>
public sealed record ExportedReply(
    Guid ReplyId, Guid StreamId, DateTimeOffset ReceivedAt, string Sha256, string ProposedMeaning, string? ConfirmedMeaning,
    string? From, string? Subject, string Text, string MessageBase64);

/// <summary>
/// The victim's copy of their data (GDPR Art. 15 access, Art. 20 portability): as JSON for machines and as a PDF for
/// people. Only the case's owner may ask for it; that check is the caller's. Replies to the case's letters are the
/// victim's personal data too (they answer a request made for the victim and often quote it), so they are included,
/// opened with the case's key; mail matched to no case is in no export.
/// </summary>
public sealed class CaseExport(IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, ReplySealing sealing, TimeProvider time)
{
    private readonly JsonSerializerOptions _indented = new(options.Json) { WriteIndented = true };

    /// <summary>The case's data, or null when there is no such case.</summary>
    public async Task<CaseExportDocument?> ExportAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        var schema = options.Schema;
        var streams = new List<(Guid Id, string Kind)>();
        await using (var command = dataSource.CreateCommand(
            $"SELECT stream_id, type FROM {schema}.case_streams WHERE case_id = $1 ORDER BY stream_id = $1 DESC, created_at, stream_id"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = caseId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                streams.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }
        if (streams.Count == 0 || streams[0].Id != caseId)
        {
            return null;
        }
        var exported = new List<ExportedStream>();
        foreach (var (id, kind) in streams)
        {
            var events = await store.FetchStreamAsync(id, cancellationToken: cancellationToken);
            exported.Add(new ExportedStream(id, kind, [.. events.Select(e => new ExportedEvent(
                e.Version, e.EventTypeName, e.Timestamp, e.Actor(),
                JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), options.Json)))]));
        }
        return new CaseExportDocument(caseId, time.GetUtcNow(), exported, await RepliesAsync([.. streams.Select(s => s.Id)], cancellationToken));
    }

    private async Task<IReadOnlyList<ExportedReply>> RepliesAsync(Guid[] streamIds, CancellationToken cancellationToken)
    {
        var schema = options.Schema;
        // The key comes with the rows, never from a cache, as for events.
        await using var command = dataSource.CreateCommand($"""
            SELECT m.id, m.request_id, m.received_at, m.sha256, m.proposed_meaning, m.confirmed_meaning, m.raw, m.sealed_for, k.key
            FROM {schema}.inbound_mail m LEFT JOIN {schema}.encryption_keys k ON k.subject_id = m.sealed_for
            WHERE m.request_id = ANY($1) ORDER BY m.received_at, m.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = streamIds });
        var replies = new List<ExportedReply>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            var raw = sealing.Open(id, reader.IsDBNull(7) ? null : reader.GetGuid(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
                reader.GetFieldValue<byte[]>(6));
            if (raw is null)
            {
                continue;
            }
            var mail = InboundMailReader.Read(raw);
            replies.Add(new ExportedReply(id, reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), mail.From, mail.Subject, mail.BodyText, Convert.ToBase64String(raw)));
        }
        return replies;
    }

    /// <summary>The export as JSON (indented, web names), the form GDPR Art. 20 asks for: structured and machine-readable.</summary>
    public byte[] ToJson(CaseExportDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, _indented);

    /// <summary>The export as a readable PDF, in the letters' font, one section per stream.</summary>
    public static byte[] ToPdf(CaseExportDocument document, string language = "nl")
    {
        ArgumentNullException.ThrowIfNull(document);
        var nl = language == "nl";
        var text = new StringBuilder();
        var title = nl ? "Uw gegevens bij Takedown" : "Your data held by Takedown";
        text.Append(title).Append('\n').Append(new string('-', title.Length)).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{(nl ? "Zaak" : "Case")}: {document.CaseId}\n");
        text.Append(CultureInfo.InvariantCulture, $"{(nl ? "Gemaakt op" : "Exported at")}: {document.ExportedAt:yyyy-MM-dd HH:mm} UTC\n");
        text.Append(nl
            ? "Dit overzicht bevat alles wat wij over deze zaak bewaren (AVG art. 15 en 20).\n"
            : "This overview holds everything we keep about this case (GDPR Art. 15 and 20).\n");
        foreach (var stream in document.Streams)
        {
            var heading = $"{stream.Kind} {stream.StreamId}";
            text.Append('\n').Append(heading).Append('\n').Append(new string('-', heading.Length)).Append('\n');
            foreach (var e in stream.Events)
            {
                text.Append(CultureInfo.InvariantCulture, $"{e.Version}. {e.At:yyyy-MM-dd HH:mm} UTC  {e.Type}\n");
                foreach (var property in e.Data.EnumerateObject())
                {
                    // A file sent with a letter (letter-attachment-added) is not text: the JSON file holds it in base64.
                    var value = string.Equals(property.Name, nameof(Domain.Letters.LetterAttachmentAdded.ContentBase64), StringComparison.OrdinalIgnoreCase)
                        ? (nl ? "[bestand; het JSON-bestand bevat het in base64]" : "[file; the JSON file holds it in base64]")
                        : Flatten(property.Value);
                    text.Append(CultureInfo.InvariantCulture, $"   {property.Name}: {value}\n");
                }
            }
        }
        if (document.Replies.Count > 0)
        {
            var heading = nl ? "Antwoorden" : "Replies";
            text.Append('\n').Append(heading).Append('\n').Append(new string('-', heading.Length)).Append('\n');
            text.Append(nl
                ? "Zoals ontvangen; het JSON-bestand bevat elk bericht in zijn geheel (base64), met deze SHA-256.\n"
                : "As received; the JSON file holds each message in full (base64), with this SHA-256.\n");
            foreach (var reply in document.Replies)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n{reply.ReceivedAt:yyyy-MM-dd HH:mm} UTC  {reply.StreamId}\n");
                text.Append(CultureInfo.InvariantCulture, $"   SHA-256: {reply.Sha256}\n");
                text.Append(CultureInfo.InvariantCulture, $"   {(nl ? "Van" : "From")}: {reply.From}\n");
                text.Append(CultureInfo.InvariantCulture, $"   {(nl ? "Onderwerp" : "Subject")}: {reply.Subject}\n");
                text.Append(Readable(reply.Text, nl)).Append('\n');
            }
        }
        var plain = text.ToString();
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain)));
        return LetterPdf.Render(new ComposedLetter(LetterKind.ErasureRequest, nl ? "nl" : "en", title, plain, "", sha));
    }

    /// <summary>
    /// A reply's text as the PDF can show it: anyone can write to a reply address, so control characters go and a very
    /// long message is shortened (the JSON export keeps all of it).
    /// </summary>
    private static string Readable(string text, bool nl)
    {
        const int MaxChars = 20_000;
        var clean = new string([.. text.Replace("\r\n", "\n", StringComparison.Ordinal).Select(c => c == '\n' || !char.IsControl(c) ? c : ' ')]);
        return clean.Length <= MaxChars
            ? clean
            : clean[..MaxChars] + (nl ? "\n[ingekort; het JSON-bestand bevat het hele bericht]" : "\n[shortened; the JSON file holds the whole message]");
    }

    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join("; ", value.EnumerateArray().Select(Flatten)),
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}
