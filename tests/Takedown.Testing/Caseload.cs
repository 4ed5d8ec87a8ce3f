using Npgsql;
using NpgsqlTypes;

namespace Takedown.Testing;

/// <summary>
/// A caseload written straight into the read models with <c>COPY</c> (the counters follow through their triggers):
/// what the dashboard benchmark measures and the dashboard's plan test explains its queries on. 60 % erasure requests
/// (to 150 controllers, and one in ten to a long tail of small ones: <see cref="RareName"/>), 30 % platform reports
/// (30 platforms), 10 % AP complaints.
/// </summary>
public static class Caseload
{
    public const int RequestsPerCase = 5;

    // Counterparties the statistics group by: companies and platforms, never people.
    private static readonly string[] Controllers = [.. Enumerable.Range(1, 150).Select(i => $"Controller {i:D3} B.V.")];
    private static readonly string[] Platforms = [.. Enumerable.Range(1, 30).Select(i => $"Platform {i:D2}")];
    private static readonly string[] Categories = ["Doxing", "Stalking", "IntimateImages", "Threats"];

    /// <summary>The name of the <paramref name="n"/>th controller of the long tail (a few requests each).</summary>
    public static string RareName(int n) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Webwinkel {n:D6} B.V.");

    /// <summary>
    /// Appends <paramref name="cases"/> cases and <see cref="RequestsPerCase"/> requests each, as the projections write
    /// them: cases over the last year, requests with deadlines around today (from 40 days ago to 60 ahead), half of
    /// them answered. Returns the cases' ids. The caller vacuums and analyses, as autovacuum would in service.
    /// </summary>
    public static async Task<Guid[]> LoadAsync(NpgsqlConnection connection, int cases)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        ArgumentNullException.ThrowIfNull(connection);
        // Rare names: one erasure request in ten goes to one of a long tail of small controllers.
        var tail = Math.Max(100, cases / 20);
        var caseIds = new Guid[cases];
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY takedown.case_overview (id, reference, owner, language, status, escalation_mode, opened_at, updated_at, version) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < cases; i++)
            {
                caseIds[i] = Guid.CreateVersion7();
                var opened = now.AddDays(-random.Next(1, 365));
                var closed = random.Next(10) < 3;
                await writer.StartRowAsync();
                await writer.WriteAsync(caseIds[i], NpgsqlDbType.Uuid);
                await writer.WriteAsync($"TD-B{i:D7}", NpgsqlDbType.Text);
                await writer.WriteAsync("integration:bench", NpgsqlDbType.Text);
                await writer.WriteAsync("nl", NpgsqlDbType.Text);
                await writer.WriteAsync(closed ? "Closed" : "Open", NpgsqlDbType.Text);
                await writer.WriteAsync(random.Next(4) == 0 ? "Automatic" : "OperatorReview", NpgsqlDbType.Text);
                await writer.WriteAsync(opened, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(closed ? opened.AddDays(random.Next(30, 200)) : opened, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
            }
            await writer.CompleteAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY takedown.request_overview (id, case_id, kind, status, is_open, counterparty, category, opened_at, sent_at, answered_at,
                outcome, deadline_kind, due_date, due_at, explanation_nl, explanation_en, needs_operator, answered_in_time, updated_at, version)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var caseId in caseIds)
            {
                for (var r = 0; r < RequestsPerCase; r++)
                {
                    var roll = random.Next(10);
                    var kind = roll < 6 ? "erasure" : roll < 9 ? "platform" : "ap-complaint";
                    var opened = now.AddDays(-random.Next(5, 120));
                    var sent = opened.AddDays(1);
                    var answered = random.Next(2) == 0;
                    var answeredAt = answered ? sent.AddHours(random.Next(2, kind == "erasure" ? 24 * 60 : 24 * 10)) : (DateTimeOffset?)null;
                    var due = today.AddDays(random.Next(-40, 60));
                    var isOpen = !answered;
                    var status = kind switch
                    {
                        "erasure" => answered ? "Answered" : due < today ? "DeadlineMissed" : "Sent",
                        "platform" => answered ? (random.Next(3) == 0 ? "Refused" : "Removed") : "Filed",
                        _ => random.Next(3) == 0 ? "Prepared" : "Lodged",
                    };
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(caseId, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(kind, NpgsqlDbType.Text);
                    await writer.WriteAsync(status, NpgsqlDbType.Text);
                    await writer.WriteAsync(isOpen, NpgsqlDbType.Boolean);
                    await writer.WriteAsync(kind == "erasure" ? (random.Next(10) == 0 ? RareName(random.Next(tail)) : Controllers[random.Next(Controllers.Length)]) : kind == "platform" ? Platforms[random.Next(Platforms.Length)] : "Autoriteit Persoonsgegevens", NpgsqlDbType.Text);
                    await Nullable(writer, kind == "platform" ? Categories[random.Next(Categories.Length)] : null, NpgsqlDbType.Text);
                    await writer.WriteAsync(opened, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(sent, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, answeredAt, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, answered ? (kind == "platform" ? status : "Complied") : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? "gdpr-answer" : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? due : (DateOnly?)null, NpgsqlDbType.Date);
                    await Nullable(writer, isOpen ? new DateTimeOffset(due.ToDateTime(new TimeOnly(22, 59, 59)), TimeSpan.Zero) : (DateTimeOffset?)null, NpgsqlDbType.TimestampTz);
                    await Nullable(writer, isOpen ? "Het antwoord moet uiterlijk binnen zijn (AVG art. 12 lid 3)." : null, NpgsqlDbType.Text);
                    await Nullable(writer, isOpen ? "The answer is due (GDPR Art. 12(3))." : null, NpgsqlDbType.Text);
                    await writer.WriteAsync(status is "DeadlineMissed" or "Prepared", NpgsqlDbType.Boolean);
                    await Nullable(writer, answered ? random.Next(10) < 8 : (bool?)null, NpgsqlDbType.Boolean);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(3L, NpgsqlDbType.Bigint);
                }
            }
            await writer.CompleteAsync();
        }
        return caseIds;
    }

    private static Task Nullable(NpgsqlBinaryImporter writer, object? value, NpgsqlDbType type) =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);
}
