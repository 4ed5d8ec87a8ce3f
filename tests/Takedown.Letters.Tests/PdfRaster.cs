using System.Diagnostics;
using System.IO.Compression;

namespace Takedown.Letters.Tests;

/// <summary>
/// Rasterises a PDF with poppler's <c>pdftoppm</c> (Debian's poppler-utils) to one greyscale PNG per page, and reads
/// those PNGs back as pixels, so tests can compare how a PDF looks rather than its bytes (which hold a creation date
/// and a document id).
/// </summary>
internal static class PdfRaster
{
    public const string Pdftoppm = "/usr/bin/pdftoppm";

    /// <summary>Enough resolution to see a word move or change, small enough to keep the references light.</summary>
    public const int Dpi = 72;

    /// <summary>The pages of <paramref name="pdf"/> as PNG files, in page order.</summary>
    public static IReadOnlyList<byte[]> Pages(byte[] pdf)
    {
        if (!File.Exists(Pdftoppm))
        {
            throw new InvalidOperationException($"{Pdftoppm} is missing: apt-get install -y poppler-utils (ops/prerequisites.sh test)");
        }
        var folder = Takedown.Testing.Repository.NewTempFolder("pdf-raster");
        try
        {
            var input = Path.Combine(folder, "in.pdf");
            File.WriteAllBytes(input, pdf);
            var psi = new ProcessStartInfo(Pdftoppm) { RedirectStandardError = true };
            foreach (var argument in new[] { "-r", Dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-gray", "-png", input, Path.Combine(folder, "page") })
            {
                psi.ArgumentList.Add(argument);
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("pdftoppm did not start.");
            var errors = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pdftoppm failed: {errors}");
            }
            // pdftoppm pads page numbers to the width of the page count (page-1.png or page-01.png).
            return [.. Directory.GetFiles(folder, "page-*.png")
                .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)["page-".Length..], System.Globalization.CultureInfo.InvariantCulture))
                .Select(File.ReadAllBytes)];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>An 8-bit greyscale image of a page rasterised by pdftoppm.</summary>
internal sealed record GreyImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>
    /// Decodes a non-interlaced 8-bit greyscale or RGB PNG (colour types 0 and 2) to grey levels: what pdftoppm writes
    /// (with <c>-gray</c>, poppler 22 still writes RGB with three equal channels).
    /// </summary>
    public static GreyImage FromPng(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("Not a PNG file.");
        }
        int width = 0, height = 0, channels = 1;
        using var compressed = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data);
                    height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[9] is not (0 or 2) || data[12] != 0)
                    {
                        throw new InvalidDataException($"Only 8-bit greyscale or RGB, non-interlaced PNGs are read (depth {data[8]}, colour type {data[9]}, interlace {data[12]}).");
                    }
                    channels = data[9] == 2 ? 3 : 1;
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
            }
            at += 12 + length;
        }
        compressed.Position = 0;
        using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        var stride = width * channels;
        var samples = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = rows[y * (stride + 1)];
            var line = rows.AsSpan(y * (stride + 1) + 1, stride);
            var row = samples.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> up = y == 0 ? new byte[stride] : samples.AsSpan((y - 1) * stride, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x < channels ? 0 : row[x - channels], b = up[x], c = x < channels ? 0 : up[x - channels];
                row[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter}."),
                });
            }
        }
        var pixels = new byte[width * height];
        for (var i = 0; i < pixels.Length; i++)
        {
            var sum = 0;
            for (var k = 0; k < channels; k++)
            {
                sum += samples[i * channels + k];
            }
            pixels[i] = (byte)(sum / channels);
        }
        return new GreyImage(width, height, pixels);
    }

    /// <summary>The share of pixels whose grey level differs from <paramref name="other"/>'s by more than <paramref name="threshold"/>.</summary>
    public double DifferingShare(GreyImage other, int threshold)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
        {
            return 1;
        }
        var differing = 0;
        for (var i = 0; i < Pixels.Length; i++)
        {
            if (Math.Abs(Pixels[i] - other.Pixels[i]) > threshold)
            {
                differing++;
            }
        }
        return (double)differing / Pixels.Length;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
