using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Takedown.Domain.Deadlines;
using Takedown.Domain.EvidenceDiaries;
using Takedown.Letters.Composing;

namespace Takedown.Letters.Rendering;

/// <summary>
/// The evidence diary as an A4 dossier to take to the police for a report (aangifte): one block per entry with
/// date, time, place, duration, what happened, witnesses and attachments (name and SHA-256), each with its chain hash,
/// and the chain's verification on the first page. Uses the letters' embedded font.
/// </summary>
public static class DiaryPdf
{
    private const double Margin = 56;

    /// <summary>Document information entry with the SHA-256 of every posted letter listed, space-separated: machine-readable proof of which texts were meant.</summary>
    public const string PostedLettersKey = "/TakedownPostedLettersSHA256";

    /// <summary>
    /// Renders the dossier. <paramref name="postedLetters"/> are the letters telling the other person to stop that the
    /// victim sent by registered post: listed on the first page, since the police ask whether the victim said so.
    /// <paramref name="complaintWindow"/> is the window for the stalking complaint (Sr art. 66,
    /// <see cref="EvidenceDiary.StalkingComplaintWindow"/>): on the first page too, since the officer taking the report
    /// must record the request to prosecute within it.
    /// </summary>
    public static byte[] Render(
        string caseReference, IReadOnlyList<DiaryEntryRecorded> entries, string language, DateOnly printedOn,
        IReadOnlyList<PostedLetter>? postedLetters = null, Deadline? complaintWindow = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        LetterPdf.EnsureFontResolver();
        var nl = language != "en";
        string T(string dutch, string english) => nl ? dutch : english;
        var verification = EvidenceDiary.Verify(entries);

        using var document = new PdfDocument();
        document.Info.Title = T("Bewijsdagboek", "Evidence diary");
        document.Info.Creator = "Takedown";
        var title = new XFont(LetterPdf.FontFamily, 15, XFontStyleEx.Bold);
        var bold = new XFont(LetterPdf.FontFamily, 10, XFontStyleEx.Bold);
        var regular = new XFont(LetterPdf.FontFamily, 10, XFontStyleEx.Regular);
        var small = new XFont(LetterPdf.FontFamily, 7.5, XFontStyleEx.Regular);
        var writer = new PageWriter(document, regular.GetHeight() * 1.2);

        writer.Line(T("Bewijsdagboek", "Evidence diary"), title);
        writer.Gap();
        writer.Line($"{T("Kenmerk", "Reference")}: {caseReference}", regular);
        writer.Line($"{T("Afgedrukt op", "Printed on")}: {LetterDates.Format(printedOn, nl ? "nl" : "en")}", regular);
        writer.Line($"{T("Aantal aantekeningen", "Number of entries")}: {entries.Count}", regular);
        writer.Wrap(verification.IsIntact
            ? T($"Controle: de keten van hashes is ongeschonden. Laatste hash: {Last(entries)}",
                $"Check: the chain of hashes is intact. Last hash: {Last(entries)}")
            : T($"Controle: de keten is NIET ongeschonden vanaf aantekening {verification.FirstBrokenSequence}.",
                $"Check: the chain is NOT intact from entry {verification.FirstBrokenSequence} on."), bold);
        writer.Wrap(T(
            "Elke aantekening is vastgelegd op het genoemde moment en bevat de SHA-256 van de vorige; een latere wijziging of verwijdering verbreekt de keten.",
            "Each entry was recorded at the time shown and carries the SHA-256 of the one before; a later change or removal breaks the chain."), regular);
        writer.Gap();
        if (complaintWindow is not null)
        {
            writer.Wrap(T($"Belaging (Sr art. 285b): aangifte met verzoek tot vervolging (art. 164 Sv) uiterlijk {LetterDates.Format(complaintWindow.DueDate, "nl")}",
                $"Stalking (Sr art. 285b): police report with a request to prosecute (verzoek tot vervolging, art. 164 Sv) by {LetterDates.Format(complaintWindow.DueDate, "en")}"), bold);
            writer.Wrap(nl ? complaintWindow.Explanation.Nl : complaintWindow.Explanation.En, regular);
            writer.Gap();
        }
        if (postedLetters is { Count: > 0 })
        {
            document.Info.Elements.SetString(PostedLettersKey, string.Join(' ', postedLetters.Select(l => l.ContentSha256)));
            writer.Line(T("Brieven: stop elk contact (aangetekend verstuurd)", "Letters: stop all contact (sent by registered post)"), bold);
            foreach (var letter in postedLetters)
            {
                var code = letter.TrackingCode is { } c ? $", barcode {c}" : "";
                writer.Wrap(T($"Verstuurd op {LetterDates.Format(letter.PostedOn, "nl")}{code}: \u201c{letter.Subject}\u201d",
                    $"Sent on {LetterDates.Format(letter.PostedOn, "en")}{code}: \u201c{letter.Subject}\u201d"), regular);
                writer.Wrap($"SHA-256 {letter.ContentSha256}", small);
            }
            writer.Gap();
        }

        foreach (var e in entries)
        {
            writer.KeepTogether(6);
            var when = e.OccurredTime is { } t ? $"{LetterDates.Format(e.OccurredOn, nl ? "nl" : "en")} {t.ToString("HH:mm", CultureInfo.InvariantCulture)}" : LetterDates.Format(e.OccurredOn, nl ? "nl" : "en");
            writer.Line($"{e.Sequence}. {when}", bold);
            if (e.Place.Length > 0)
            {
                writer.Wrap($"{T("Plaats", "Place")}: {e.Place}", regular);
            }
            if (e.Duration.Length > 0)
            {
                writer.Wrap($"{T("Duur", "Duration")}: {e.Duration}", regular);
            }
            writer.Wrap($"{T("Wat er gebeurde", "What happened")}:", regular);
            foreach (var paragraph in e.WhatHappened.Split('\n'))
            {
                writer.Wrap("  " + paragraph.TrimEnd('\r'), regular);
            }
            if (e.Witnesses.Count > 0)
            {
                writer.Wrap($"{T("Getuigen", "Witnesses")}: {string.Join(", ", e.Witnesses)}", regular);
            }
            foreach (var a in e.Attachments)
            {
                writer.Wrap($"{T("Bijlage", "Attachment")}: {a.FileName} ({a.ContentType}, {a.Size.ToString(CultureInfo.InvariantCulture)} bytes) SHA-256 {a.Sha256}", small);
            }
            writer.Wrap($"{T("Vastgelegd", "Recorded")}: {e.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC", small);
            writer.Wrap($"{T("Vorige hash", "Previous hash")}: {e.PreviousHash}", small);
            writer.Wrap($"Hash: {e.Hash}", small);
            writer.Gap();
        }
        writer.Finish();

        var pageWord = T("Pagina", "Page");
        var ofWord = T("van", "of");
        for (var n = 0; n < document.PageCount; n++)
        {
            var p = document.Pages[n];
            using var g = XGraphics.FromPdfPage(p, XGraphicsPdfPageOptions.Append);
            g.DrawString($"{caseReference}   {pageWord} {n + 1} {ofWord} {document.PageCount}", small, XBrushes.Gray,
                new XRect(Margin, p.Height.Point - Margin, p.Width.Point - 2 * Margin, 12), XStringFormats.TopLeft);
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static string Last(IReadOnlyList<DiaryEntryRecorded> entries) => entries.Count == 0 ? EvidenceDiary.GenesisHash : entries[^1].Hash;

    private sealed class PageWriter(PdfDocument document, double lineHeight)
    {
        private XGraphics? _graphics;
        private double _y;
        private double _bottom;
        private double _width;

        public void Line(string text, XFont font)
        {
            Ensure(font.GetHeight() * 1.3);
            _graphics!.DrawString(text, font, XBrushes.Black, new XRect(Margin, _y, _width, font.GetHeight()), XStringFormats.TopLeft);
            _y += Math.Max(lineHeight, font.GetHeight() * 1.3);
        }

        public void Wrap(string text, XFont font)
        {
            Ensure(lineHeight);
            foreach (var line in Lines(text, font))
            {
                Line(line, font);
            }
        }

        public void Gap() => _y += lineHeight * 0.6;

        public void KeepTogether(int lines)
        {
            Ensure(0);
            if (_y + lines * lineHeight > _bottom)
            {
                NewPage();
            }
        }

        public void Finish() => _graphics?.Dispose();

        private void Ensure(double height)
        {
            if (_graphics is null || _y + height > _bottom)
            {
                NewPage();
            }
        }

        private void NewPage()
        {
            _graphics?.Dispose();
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            _graphics = XGraphics.FromPdfPage(page);
            _y = Margin;
            _bottom = page.Height.Point - Margin - 2 * lineHeight;
            _width = page.Width.Point - 2 * Margin;
        }

        private IEnumerable<string> Lines(string text, XFont font)
        {
            var current = "";
            foreach (var word in text.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (_graphics!.MeasureString(candidate, font).Width <= _width)
                {
                    current = candidate;
                    continue;
                }
                if (current.Length > 0)
                {
                    yield return current;
                }
                current = word;
                while (current.Length > 1 && _graphics.MeasureString(current, font).Width > _width)
                {
                    var fit = current.Length - 1;
                    while (fit > 1 && _graphics.MeasureString(current[..fit], font).Width > _width)
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
}

/// <summary>A letter for the post the victim recorded as sent by registered post, as the diary dossier lists it.</summary>
public sealed record PostedLetter(string Subject, DateOnly PostedOn, string? TrackingCode, string ContentSha256);
