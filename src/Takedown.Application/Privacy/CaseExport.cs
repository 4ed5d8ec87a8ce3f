using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;

namespace Takedown.Application.Privacy;

/// <summary>Everything held about a case, decrypted: each stream of the case with its events in order.</summary>
public sealed record CaseExportDocument(Guid CaseId, DateTimeOffset ExportedAt, IReadOnlyList<ExportedStream> Streams);

public sealed record ExportedStream(Guid StreamId, string Kind, IReadOnlyList<ExportedEvent> Events);

public sealed record ExportedEvent(long Version, string Type, DateTimeOffset At, string? Actor, JsonElement Data);

/// <summary>
/// The victim's copy of their data (GDPR Art. 15 access, Art. 20 portability): as JSON for machines and as a PDF for
/// people. Only the case's owner may ask for it; that check is the caller's.
/// </summary>
public sealed class CaseExport(EventStore.EventStore store, TimeProvider time)
{
    private readonly JsonSerializerOptions _indented = new(store.Options.Json) { WriteIndented = true };

    /// <summary>The case's data, or null when there is no such case.</summary>
    public async Task<CaseExportDocument?> ExportAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        var schema = store.Options.Schema;
        var streams = new List<(Guid Id, string Kind)>();
        await using (var command = store.DataSource.CreateCommand(
            $"SELECT id, type FROM {schema}.streams WHERE id = $1 OR subject_id = $1 ORDER BY id = $1 DESC, created_at, id"))
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
                e.Version, e.EventType, e.Timestamp, e.Metadata.Actor,
                JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), store.Options.Json)))]));
        }
        return new CaseExportDocument(caseId, time.GetUtcNow(), exported);
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
                    text.Append(CultureInfo.InvariantCulture, $"   {property.Name}: {Flatten(property.Value)}\n");
                }
            }
        }
        var plain = text.ToString();
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain)));
        return LetterPdf.Render(new ComposedLetter(LetterKind.ErasureRequest, nl ? "nl" : "en", title, plain, "", sha));
    }

    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join("; ", value.EnumerateArray().Select(Flatten)),
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}
