namespace Takedown.Letters.Composing;

/// <summary>
/// How the Autoriteit Persoonsgegevens takes complaints (GDPR Art. 77): through the complaint form on its website or by
/// letter to its post-office box, in Dutch or English; not by e-mail. On the form the complainant must give their name,
/// address and e-mail address; by letter their name, address and telephone number; a representative adds an
/// authorisation (docs/sources/ap.md).
/// </summary>
public static class ApAddresses
{
    public const string Name = "Autoriteit Persoonsgegevens";

    /// <summary>The AP's page that leads to its complaint form (choose "klacht", a complaint about one's own data).</summary>
    public const string ComplaintForm = "https://autoriteitpersoonsgegevens.nl/een-tip-of-klacht-indienen-bij-de-ap";

    /// <summary>The AP's postal address for complaints.</summary>
    public static readonly IReadOnlyList<string> PostalAddress = ["Postbus 93374", "2509 AJ Den Haag"];
}
