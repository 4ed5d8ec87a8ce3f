using System.Runtime.CompilerServices;
using PdfSharp;

namespace Takedown.Letters.Tests;

internal static class PdfLicenceForTests
{
    // PdfSharp 6.5 works only after a licence is chosen. The tests run PdfSharp under its AGPL licence; the
    // service's own choice is made by its host (see docs/letters.md), not by the Letters library.
    [ModuleInitializer]
    internal static void Load() => PdfSharpLicense.SetAgplLicense();
}
