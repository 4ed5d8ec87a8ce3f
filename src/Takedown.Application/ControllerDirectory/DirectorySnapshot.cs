using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Takedown.Application.ControllerDirectory;

/// <summary>One record of a snapshot, as the snapshot holds it (normalised JSON text) with its SHA-256.</summary>
public sealed record SnapshotRecord(DirectoryKind Kind, string Slug, JsonObject Record, string Json, string Sha256);

/// <summary>
/// A snapshot of the upstream directory (datenanfragen/data) as it ships: <c>companies/</c> and
/// <c>supervisory-authorities/</c>, one JSON record per file. A record is known by its <c>slug</c>, not its file name
/// (one upstream file has no <c>.json</c> ending), so every file in the two folders is read.
/// </summary>
public static class DirectorySnapshot
{
    public static IReadOnlyList<SnapshotRecord> Read(string folder)
    {
        var records = new List<SnapshotRecord>();
        foreach (var (sub, kind) in new[] { ("companies", DirectoryKind.Company), ("supervisory-authorities", DirectoryKind.Authority) })
        {
            var path = Path.Combine(folder, sub);
            if (!System.IO.Directory.Exists(path))
            {
                throw new DirectoryNotFoundException($"The controller directory snapshot has no '{sub}' folder at {folder}.");
            }
            foreach (var file in System.IO.Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
            {
                var record = JsonNode.Parse(File.ReadAllText(file, Encoding.UTF8)) as JsonObject
                    ?? throw new InvalidDataException($"{file} is not a JSON object.");
                var slug = DirectoryEntry.Text(record, "slug") ?? throw new InvalidDataException($"{file} has no slug.");
                var json = record.ToJsonString();
                records.Add(new SnapshotRecord(kind, slug, record, json, Sha256(json)));
            }
        }
        var duplicates = records.GroupBy(r => (r.Kind, r.Slug)).Where(g => g.Count() > 1).Select(g => g.Key.Slug).ToList();
        return duplicates.Count > 0
            ? throw new InvalidDataException($"The snapshot holds these slugs twice: {string.Join(", ", duplicates)}.")
            : records;
    }

    /// <summary>The snapshot's own fingerprint: the SHA-256 over its records' hashes, in order.</summary>
    public static string Fingerprint(IReadOnlyList<SnapshotRecord> records) =>
        Sha256(string.Join('\n', records.OrderBy(r => r.Kind).ThenBy(r => r.Slug, StringComparer.Ordinal).Select(r => $"{r.Kind}:{r.Slug}:{r.Sha256}")));

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
