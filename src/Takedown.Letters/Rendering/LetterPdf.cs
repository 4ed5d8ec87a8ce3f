using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Takedown.Letters.Composing;

namespace Takedown.Letters.Rendering;

/// <summary>
/// Renders a composed letter's plain text to an A4 PDF for print and registered post. Each page's footer carries
/// the start of the letter's SHA-256, so a printed copy can be matched to the recorded evidence. Rendered with
/// PDFsharp 6.2 (MIT licence: no licence choice at start-up).
/// </summary>
public static class LetterPdf
{
    public const string FontFamily = "DejaVu Sans";

    /// <summary>The PDF document information entry that holds the letter's full SHA-256.</summary>
    public const string ContentSha256Key = "/TakedownContentSHA256";

    private const double Margin = 56; // 2 cm
    private const double FontSize = 10.5;
    private const double FooterSize = 8;

    // Runs once per process, before any font use, as PdfSharp requires of its global font resolver.
    static LetterPdf() => GlobalFontSettings.FontResolver ??= EmbeddedFontResolver.Instance;

    public static byte[] Render(ComposedLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        EnsureFontResolver();

        using var document = new PdfDocument();
        document.Info.Title = letter.Subject;
        document.Info.Creator = "Takedown";
        // The footer prints only the start of the hash; the whole hash in the document's metadata ties a PDF file to
        // the recorded text without anyone having to retype it.
        document.Info.Elements.SetString(ContentSha256Key, letter.ContentSha256);
        var regular = new XFont(FontFamily, FontSize, XFontStyleEx.Regular);
        var bold = new XFont(FontFamily, FontSize, XFontStyleEx.Bold);
        var lineHeight = regular.GetHeight() * 1.15;

        PdfPage? page = null;
        XGraphics? graphics = null;
        double y = 0;
        double bottom = 0;
        double width = 0;

        void NewPage()
        {
            graphics?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            graphics = XGraphics.FromPdfPage(page);
            y = Margin;
            bottom = page.Height.Point - Margin - 2 * lineHeight;
            width = page.Width.Point - 2 * Margin;
        }

        NewPage();
        var lines = letter.PlainText.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            // The plain text underlines headings with dashes; in print the heading is bold instead.
            var isHeading = line.Length > 0 && i + 1 < lines.Length
                && lines[i + 1].Length == line.Length && lines[i + 1].All(c => c == '-');
            var font = isHeading ? bold : regular;
            if (line.Length == 0)
            {
                y += lineHeight * 0.6;
                continue;
            }
            if (isHeading && y + 3 * lineHeight > bottom)
            {
                NewPage();
            }
            foreach (var wrapped in Wrap(graphics!, line, font, width))
            {
                if (y + lineHeight > bottom)
                {
                    NewPage();
                }
                graphics!.DrawString(wrapped, font, XBrushes.Black, new XRect(Margin, y, width, lineHeight), XStringFormats.TopLeft);
                y += lineHeight;
            }
            if (isHeading)
            {
                i++;
            }
        }
        graphics?.Dispose();

        var footerFont = new XFont(FontFamily, FooterSize, XFontStyleEx.Regular);
        var pageWord = letter.Language == "nl" ? "Pagina" : "Page";
        var ofWord = letter.Language == "nl" ? "van" : "of";
        for (var n = 0; n < document.PageCount; n++)
        {
            var p = document.Pages[n];
            using var g = XGraphics.FromPdfPage(p, XGraphicsPdfPageOptions.Append);
            var footer = $"SHA-256 {letter.ContentSha256[..16]}…   {pageWord} {n + 1} {ofWord} {document.PageCount}";
            g.DrawString(footer, footerFont, XBrushes.Gray,
                new XRect(Margin, p.Height.Point - Margin, p.Width.Point - 2 * Margin, FooterSize * 1.5), XStringFormats.TopLeft);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>Registers <see cref="EmbeddedFontResolver"/> unless the host already set a resolver.</summary>
    /// <remarks>Hosts that render other PDFs may call this at start-up, before any other font use.</remarks>
    public static void EnsureFontResolver()
    {
        // The static constructor has done the work by the time this runs.
    }

    private static IEnumerable<string> Wrap(XGraphics graphics, string line, XFont font, double width)
    {
        var current = "";
        foreach (var word in line.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (graphics.MeasureString(candidate, font).Width <= width)
            {
                current = candidate;
                continue;
            }
            if (current.Length > 0)
            {
                yield return current;
            }
            current = word;
            // A URL can be wider than the line on its own: break it between characters.
            while (graphics.MeasureString(current, font).Width > width)
            {
                var fit = current.Length - 1;
                while (fit > 1 && graphics.MeasureString(current[..fit], font).Width > width)
                {
                    fit--;
                }
                yield return current[..fit];
                current = current[fit..];
            }
        }
        yield return current;
    }
}
