using Takedown.Domain.EvidenceDiaries;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;
using Takedown.Testing;

namespace Takedown.Letters.Tests;

/// <summary>
/// The letters and the diary dossier look as they did when the references were made: each document is rendered with
/// fixed content and dates, rasterised page by page (<see cref="PdfRaster"/>), and compared with the PNGs under
/// <c>PdfReferences/</c> within a small tolerance (anti-aliasing may differ by a shade; a moved or changed word does not
/// pass). The references were made with the PDF library the service used before (PdfSharp 6.5.0), and 6.2.4 matched
/// them to the pixel; the erasure and cease-and-desist references were made again with 6.2.4 when their wording changed.
/// A change of library or version that alters the output fails here. To accept a change made on purpose, run the tests with
/// <c>TAKEDOWN_UPDATE_PDF_REFERENCES=1</c> and commit the new PNGs.
/// </summary>
public class PdfAppearanceTests
{
    /// <summary>Grey levels (0-255) by which a pixel may differ before it counts as different.</summary>
    private const int Threshold = 64;

    /// <summary>
    /// The share of a page's pixels that may differ: a few anti-aliased edges. One digit changed on an A4 page at 72 dpi
    /// changes about 16 pixels of its 501,000 (3e-5).
    /// </summary>
    private const double MaxDifferingShare = 0.00001;

    private static readonly string References = Path.Combine(Repository.Root, "tests", "Takedown.Letters.Tests", "PdfReferences");

    public static TheoryData<string> Documents => [.. Rendered.Keys];

    private static readonly Dictionary<string, Func<byte[]>> Rendered = new()
    {
        ["erasure-nl"] = () => LetterPdf.Render(LetterComposer.Compose(Samples.Erasure("nl"))),
        ["cease-and-desist-en"] = () => LetterPdf.Render(LetterComposer.Compose(Samples.CeaseAndDesist("en"))),
        ["ap-complaint-nl"] = () => LetterPdf.Render(LongApComplaint()),
        ["diary-nl"] = () => DiaryPdf.Render("TD-2026-0042", Diary(), "nl", new DateOnly(2026, 4, 2), PostedLetters()),
        ["diary-en"] = () => DiaryPdf.Render("TD-2026-0042", Diary(), "en", new DateOnly(2026, 4, 2)),
        ["diary-complaint-window-nl"] = () => DiaryPdf.Render("TD-2026-0042", Diary(), "nl", new DateOnly(2026, 4, 2), PostedLetters(),
            EvidenceDiary.StalkingComplaintWindow(Diary(), Takedown.Domain.Deadlines.DeadlineEngine.Default)),
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void The_document_looks_like_its_reference(string name)
    {
        var pages = PdfRaster.Pages(Rendered[name]());

        if (Environment.GetEnvironmentVariable("TAKEDOWN_UPDATE_PDF_REFERENCES") == "1")
        {
            Directory.CreateDirectory(References);
            foreach (var old in Directory.GetFiles(References, $"{name}-p*.png"))
            {
                File.Delete(old);
            }
            for (var i = 0; i < pages.Count; i++)
            {
                File.WriteAllBytes(ReferencePath(name, i + 1), pages[i]);
            }
        }

        var expected = Directory.GetFiles(References, $"{name}-p*.png").Length;
        pages.Count.ShouldBe(expected, $"pages of {name}");
        string? kept = null;
        for (var i = 0; i < pages.Count; i++)
        {
            var actual = GreyImage.FromPng(pages[i]);
            var reference = GreyImage.FromPng(File.ReadAllBytes(ReferencePath(name, i + 1)));
            var share = actual.DifferingShare(reference, Threshold);
            if (share > MaxDifferingShare)
            {
                kept ??= Repository.NewTempFolder($"pdf-{name}");
                File.WriteAllBytes(Path.Combine(kept, $"{name}-p{i + 1}.png"), pages[i]);
            }
            share.ShouldBeLessThanOrEqualTo(MaxDifferingShare,
                $"page {i + 1} of {name} differs from {ReferencePath(name, i + 1)} in {share:P3} of its pixels; the rendering is in {kept}");
        }
    }

    [Fact]
    public void The_comparison_sees_one_changed_word()
    {
        var letter = LetterComposer.Compose(Samples.Erasure("nl"));
        // The smallest change that matters: one digit of the address the letter asks to erase.
        var changed = letter with { PlainText = letter.PlainText.Replace("Kerkstraat 1", "Kerkstraat 7", StringComparison.Ordinal) };
        changed.PlainText.ShouldNotBe(letter.PlainText);

        var original = GreyImage.FromPng(PdfRaster.Pages(LetterPdf.Render(letter))[0]);
        var altered = GreyImage.FromPng(PdfRaster.Pages(LetterPdf.Render(changed))[0]);

        altered.DifferingShare(original, Threshold).ShouldBeGreaterThan(MaxDifferingShare);
        original.DifferingShare(GreyImage.FromPng(PdfRaster.Pages(LetterPdf.Render(letter))[0]), Threshold).ShouldBe(0);
    }

    private static string ReferencePath(string name, int page) => Path.Combine(References, $"{name}-p{page}.png");

    private static ComposedLetter LongApComplaint()
    {
        var history = Enumerable.Range(1, 40)
            .Select(i => new HistoryLine(new DateOnly(2026, 3, 3).AddDays(i % 28),
                $"Gebeurtenis {i} in het verloop van het verzoek, met een omschrijving die over de regel heen loopt",
                $"Message-ID <{i}@takedown.test>"))
            .ToList();
        return LetterComposer.Compose(Samples.ApComplaint("nl") with
        {
            History = history,
            // A URL wider than a line is broken between characters.
            Urls = [.. Samples.Urls, "https://forum.example/" + new string('a', 200)],
        });
    }

    private static List<DiaryEntryRecorded> Diary()
    {
        var caseId = new Guid("0195a3c4-1111-7000-8000-000000000042");
        var diaryId = EvidenceDiary.IdFor(caseId);
        var state = EvidenceDiary.Initial;
        var entries = new List<DiaryEntryRecorded>();
        var recordedAt = new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
        RecordDiaryEntry[] commands =
        [
            new(diaryId, caseId, new Guid("0195a3c4-2222-7000-8000-000000000001"), new DateOnly(2026, 3, 8), new TimeOnly(21, 15),
                "Voor mijn huis, Kerkstraat 1, Utrecht", "ongeveer 20 minuten",
                "Hij stond aan de overkant van de straat en keek naar mijn raam. Toen ik de gordijnen dichtdeed, belde hij drie keer achter elkaar.\nDaarna stuurde hij een bericht: \u201cik zie je wel\u201d.",
                ["buurvrouw (mevrouw Jansen)"], [], recordedAt),
            new(diaryId, caseId, new Guid("0195a3c4-2222-7000-8000-000000000002"), new DateOnly(2026, 3, 9), null,
                "", "", "Op het forum verscheen een nieuw bericht met mijn telefoonnummer en de tekst dat mensen mij moesten bellen.",
                [], [new DiaryAttachment(new Guid("0195a3c4-3333-7000-8000-000000000001"), "schermafbeelding-forum.png", "image/png", 183_204,
                    "5f2b9a0c1e3d4f60718293a4b5c6d7e8f90112233445566778899aabbccddeef")], recordedAt.AddDays(1)),
            new(diaryId, caseId, new Guid("0195a3c4-2222-7000-8000-000000000003"), new DateOnly(2026, 3, 12), new TimeOnly(7, 50),
                "Station Utrecht Centraal, perron 5", "tien minuten",
                string.Join(' ', Enumerable.Repeat("Hij liep achter mij aan van de ingang tot het perron en bleef op een paar meter afstand staan.", 6)),
                ["conducteur", "een vrouw met een rode jas"], [], recordedAt.AddDays(3)),
        ];
        foreach (var command in commands)
        {
            var entry = EvidenceDiary.Decide(command, state).Cast<DiaryEntryRecorded>().Single();
            state = EvidenceDiary.Evolve(state, entry);
            entries.Add(entry);
        }
        return entries;
    }

    private static List<PostedLetter> PostedLetters() =>
    [
        new("Stop elk contact met Anna de Vries", new DateOnly(2026, 3, 4), "3SABCD1234567NL",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("brief"u8))),
        new("Tweede brief: stop elk contact", new DateOnly(2026, 3, 20), null,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("brief 2"u8))),
    ];
}
