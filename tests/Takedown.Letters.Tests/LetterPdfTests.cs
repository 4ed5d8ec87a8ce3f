using System.Text;
using PdfSharp.Pdf.IO;
using Takedown.Letters.Composing;
using Takedown.Letters.Rendering;

namespace Takedown.Letters.Tests;

public class LetterPdfTests
{
    [Theory]
    [InlineData("nl")]
    [InlineData("en")]
    public void Every_letter_renders_to_a_pdf_with_the_font_embedded(string language)
    {
        foreach (var model in Samples.AllKinds(language))
        {
            var pdf = LetterPdf.Render(LetterComposer.Compose(model));

            Encoding.ASCII.GetString(pdf, 0, 5).ShouldBe("%PDF-");
            using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
            document.PageCount.ShouldBeGreaterThanOrEqualTo(1);
            var raw = Encoding.Latin1.GetString(pdf);
            raw.ShouldContain("/FontFile2");
            raw.ShouldContain("DejaVu#20Sans", Case.Sensitive);
        }
    }

    [Fact]
    public void A_long_dossier_flows_onto_more_pages()
    {
        var history = Enumerable.Range(1, 120)
            .Select(i => new HistoryLine(new DateOnly(2026, 3, 3).AddDays(i % 28), $"Gebeurtenis {i} in het verloop van het verzoek, met een omschrijving die over de regel heen loopt", $"Message-ID <{i}@takedown.test>"))
            .ToList();
        var shortLetter = LetterComposer.Compose(Samples.ApComplaint("nl"));
        var longLetter = LetterComposer.Compose(Samples.ApComplaint("nl") with
        {
            History = history,
            Urls = ["https://forum.example/" + new string('a', 400)],
        });

        using var shortPdf = PdfReader.Open(new MemoryStream(LetterPdf.Render(shortLetter)), PdfDocumentOpenMode.Import);
        using var longPdf = PdfReader.Open(new MemoryStream(LetterPdf.Render(longLetter)), PdfDocumentOpenMode.Import);

        longPdf.PageCount.ShouldBeGreaterThan(shortPdf.PageCount);
        longPdf.PageCount.ShouldBeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public void The_pdf_carries_the_letters_subject_and_its_whole_hash_in_its_metadata()
    {
        var letter = LetterComposer.Compose(Samples.CeaseAndDesist("nl"));

        using var document = PdfReader.Open(new MemoryStream(LetterPdf.Render(letter)), PdfDocumentOpenMode.Import);

        document.Info.Title.ShouldBe(letter.Subject);
        document.Info.Elements.GetString(LetterPdf.ContentSha256Key).ShouldBe(letter.ContentSha256);
    }
}
