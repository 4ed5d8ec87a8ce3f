using Takedown.Application.EventStorage;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Api.Portal;
using Takedown.Domain.EvidenceDiaries;
using Marten;
using Takedown.Application.Storage;

namespace Takedown.Api.Tests.Portal;

/// <summary>Diary attachments are sealed with the case's key; the chain hashes what the victim uploaded.</summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task Attachments_are_stored_sealed_and_become_unreadable_when_the_case_key_is_destroyed_even_before_their_rows_are_deleted()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var caseId = Guid.Parse(casePath["/zaak/".Length..]);
        var marker = "Lindelaan 7 Kwetsbaardorp " + Guid.NewGuid().ToString("N");
        var photo = Png.Concat(Encoding.ASCII.GetBytes(marker)).ToArray();
        await victim.AddDiaryEntryAsync(casePath, "2026-03-01", "Bij de voordeur", "Hij belde aan.", "", ("kwetsbaar-voordeur.png", photo));
        var attachmentPath = AttachmentLink().Match(await victim.GetHtmlAsync(casePath + "/dagboek")).Value;
        var attachmentId = Guid.Parse(attachmentPath[^36..]);

        var downloaded = await victim.Http.GetAsync(attachmentPath);
        (await downloaded.Content.ReadAsByteArrayAsync()).ShouldBe(photo);
        downloaded.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("kwetsbaar-voordeur.png");
        var row = await AttachmentRowAsync(attachmentId);
        row.Sealed.ShouldBeTrue();
        row.FileName.ShouldBeEmpty();
        ContainsBytes(row.Content, Encoding.ASCII.GetBytes(marker)).ShouldBeFalse("the bytes are stored sealed");
        ContainsBytes(row.SealedFileName!, Encoding.ASCII.GetBytes("kwetsbaar")).ShouldBeFalse("the file name is stored sealed");
        // The chain and the table keep the hash of what was uploaded, taken before sealing.
        var entry = (await factory.Services.GetRequiredService<PortalDiary>().EntriesAsync(caseId, CancellationToken.None)).Single();
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        entry.Attachments.Single().Sha256.ShouldBe(sha);
        row.Sha256.ShouldBe(sha);
        EvidenceDiary.Verify([entry]).IsIntact.ShouldBeTrue();

        // Only the key is destroyed, as a backup taken at the moment of an erasure would have the row and not the key.
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await factory.Services.GetRequiredService<DatabaseOptions>().Protection!.DestroyKeyAsync(connection, null, "takedown", caseId, DateTimeOffset.UtcNow);
        }

        (await CountAsync("SELECT count(*) FROM takedown.portal_diary_attachments WHERE id = $1", attachmentId)).ShouldBe(1);
        (await factory.Services.GetRequiredService<PortalDiary>().AttachmentAsync(caseId, attachmentId, CancellationToken.None)).ShouldBeNull();
        (await victim.Http.GetAsync(attachmentPath)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Attachments_stored_in_plaintext_before_sealing_are_still_read_and_the_start_up_pass_seals_them()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var caseId = Guid.Parse(casePath["/zaak/".Length..]);
        var marker = "Oude bijlage Kerkpad 3 " + Guid.NewGuid().ToString("N");
        var photo = Png.Concat(Encoding.ASCII.GetBytes(marker)).ToArray();
        var attachmentId = Guid.NewGuid();
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        // A row as the first version of the table stored it.
        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO takedown.portal_diary_attachments (id, case_id, file_name, content_type, size, sha256, content, created_at)
                VALUES ($1, $2, 'oud-kerkpad.png', 'image/png', $3, $4, $5, now())
                """, connection);
            foreach (var value in new object[] { attachmentId, caseId, (long)photo.Length, sha, photo })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await insert.ExecuteNonQueryAsync();
        }
        var path = $"{casePath}/dagboek/bijlage/{attachmentId}";
        var before = await victim.Http.GetAsync(path);
        (await before.Content.ReadAsByteArrayAsync()).ShouldBe(photo);
        before.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("oud-kerkpad.png");

        (await factory.Services.GetRequiredService<PortalDiary>().SealPlaintextAttachmentsAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);

        var row = await AttachmentRowAsync(attachmentId);
        row.Sealed.ShouldBeTrue();
        row.FileName.ShouldBeEmpty();
        row.Sha256.ShouldBe(sha);
        ContainsBytes(row.Content, Encoding.ASCII.GetBytes(marker)).ShouldBeFalse();
        var after = await victim.Http.GetAsync(path);
        (await after.Content.ReadAsByteArrayAsync()).ShouldBe(photo);
        after.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("oud-kerkpad.png");
        (await factory.Services.GetRequiredService<PortalDiary>().SealPlaintextAttachmentsAsync(CancellationToken.None)).ShouldBe(0, "nothing is sealed twice");
    }

    private async Task<(bool Sealed, string FileName, byte[]? SealedFileName, byte[] Content, string Sha256)> AttachmentRowAsync(Guid attachmentId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT sealed, file_name, sealed_file_name, content, sha256 FROM takedown.portal_diary_attachments WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = attachmentId });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetBoolean(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
            reader.GetFieldValue<byte[]>(3), reader.GetString(4));
    }

    private static bool ContainsBytes(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
