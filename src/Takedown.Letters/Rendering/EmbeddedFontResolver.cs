using PdfSharp.Fonts;

namespace Takedown.Letters.Rendering;

/// <summary>
/// Serves DejaVu Sans from this assembly's resources, so PDFs render identically on machines without system fonts
/// (PdfSharp finds no fonts by itself on Linux). Every family name resolves to DejaVu Sans: the letters use one font.
/// Hosts that set their own <see cref="GlobalFontSettings.FontResolver"/> must serve "DejaVu Sans" themselves.
/// </summary>
public sealed class EmbeddedFontResolver : IFontResolver
{
    public static EmbeddedFontResolver Instance { get; } = new();

    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private EmbeddedFontResolver()
    {
    }

    /// <inheritdoc />
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        // No italic face is embedded; PdfSharp slants the regular face when italic is asked for.
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    /// <inheritdoc />
    public byte[] GetFont(string faceName)
    {
        var name = $"Takedown.Letters.Fonts.{faceName}.ttf";
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Font resource {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
