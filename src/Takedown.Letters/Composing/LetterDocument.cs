using System.Text;

namespace Takedown.Letters.Composing;

/// <summary>
/// A letter as a list of blocks, rendered once to plain text and once to HTML so both always say the same.
/// </summary>
internal sealed class LetterDocument
{
    private readonly List<Block> blocks = [];

    public LetterDocument Lines(params IEnumerable<string> lines)
    {
        blocks.Add(new LineBlock([.. lines]));
        return this;
    }

    public LetterDocument Heading(string text)
    {
        blocks.Add(new HeadingBlock(text));
        return this;
    }

    public LetterDocument Paragraph(string text)
    {
        blocks.Add(new ParagraphBlock(text));
        return this;
    }

    public LetterDocument Bullets(IEnumerable<string> items)
    {
        blocks.Add(new BulletBlock([.. items]));
        return this;
    }

    /// <summary>Verbatim text (a complaint, a signed authorisation) that keeps its own line breaks.</summary>
    public LetterDocument Verbatim(string text)
    {
        blocks.Add(new LineBlock(Normalise(text).Split('\n')));
        return this;
    }

    public string ToPlainText()
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            switch (block)
            {
                case HeadingBlock h:
                    text.Append(h.Text).Append('\n').Append(new string('-', h.Text.Length)).Append('\n');
                    break;
                case ParagraphBlock p:
                    text.Append(Normalise(p.Text)).Append('\n');
                    break;
                case BulletBlock b:
                    foreach (var item in b.Items)
                    {
                        text.Append("- ").Append(Normalise(item)).Append('\n');
                    }
                    break;
                case LineBlock l:
                    foreach (var line in l.Lines)
                    {
                        text.Append(Normalise(line)).Append('\n');
                    }
                    break;
            }
        }
        return text.ToString();
    }

    public string ToHtml(string language, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(Escape(language)).Append("\">\n<head>\n")
            .Append("<meta charset=\"utf-8\">\n<title>").Append(Escape(title)).Append("</title>\n</head>\n")
            .Append("<body style=\"font-family: sans-serif; line-height: 1.4; max-width: 42em\">\n");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    html.Append("<h2>").Append(Escape(h.Text)).Append("</h2>\n");
                    break;
                case ParagraphBlock p:
                    html.Append("<p>").Append(Escape(Normalise(p.Text))).Append("</p>\n");
                    break;
                case BulletBlock b:
                    html.Append("<ul>\n");
                    foreach (var item in b.Items)
                    {
                        html.Append("<li>").Append(Escape(Normalise(item))).Append("</li>\n");
                    }
                    html.Append("</ul>\n");
                    break;
                case LineBlock l:
                    html.Append("<p>").Append(string.Join("<br>\n", l.Lines.Select(line => Escape(Normalise(line))))).Append("</p>\n");
                    break;
            }
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Escapes text for HTML element content and attribute values; all input passes through here.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private abstract record Block;

    private sealed record HeadingBlock(string Text) : Block;

    private sealed record ParagraphBlock(string Text) : Block;

    private sealed record BulletBlock(IReadOnlyList<string> Items) : Block;

    private sealed record LineBlock(IReadOnlyList<string> Lines) : Block;
}
