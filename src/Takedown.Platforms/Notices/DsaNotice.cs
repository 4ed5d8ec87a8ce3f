using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Takedown.Platforms.Notices;

/// <summary>The notifier's contact details, DSA Art. 16(2)(c).</summary>
public sealed record NotifierContact(string Name, string Email);

/// <summary>
/// A notice of illegal content under DSA Art. 16, as it goes to a platform. It carries the four elements
/// Art. 16(2) requires, the category and our reference, and nothing more: platforms may publish notices
/// (for instance in the Lumen database), so no other personal data of the victim travels with it.
/// </summary>
/// <param name="Reference">Our reference for the report, so the platform can quote it back; not personal data.</param>
/// <param name="Urls">The exact electronic locations of the content, Art. 16(2)(b).</param>
/// <param name="Explanation">Why the notifier holds the content to be illegal, Art. 16(2)(a).</param>
/// <param name="Category">The platform's category the notice is filed under.</param>
/// <param name="Notifier">Name and e-mail address of the notifier, Art. 16(2)(c).</param>
/// <param name="GoodFaithStatement">The statement of good faith, Art. 16(2)(d).</param>
public sealed record DsaNotice(
    string Reference,
    IReadOnlyList<string> Urls,
    string Explanation,
    string Category,
    NotifierContact Notifier,
    string GoodFaithStatement)
{
    /// <summary>The wording of Art. 16(2)(d) the notifier confirms.</summary>
    public const string StandardGoodFaithStatement =
        "I confirm my bona fide belief that the information and allegations contained in this notice are accurate and complete.";

    /// <summary>
    /// SHA-256 (lower-case hex) over every field that is sent, in a fixed order, each as UTF-8 preceded by its byte
    /// length, so no two different notices share an encoding. The victim approves this hash; the filing recomputes it,
    /// so what is filed is what was approved.
    /// </summary>
    public string ContentSha256()
    {
        using var buffer = new MemoryStream();
        void Part(string? value)
        {
            var bytes = Encoding.UTF8.GetBytes(value ?? "");
            buffer.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            buffer.Write(bytes);
            buffer.WriteByte((byte)'\n');
        }
        Part("dsa-notice/1");
        Part(Reference);
        Part(Urls.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var url in Urls)
        {
            Part(url);
        }
        Part(Explanation);
        Part(Category);
        Part(Notifier.Name);
        Part(Notifier.Email);
        Part(GoodFaithStatement);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}

/// <summary>One element DSA Art. 16(2) requires of a notice.</summary>
public enum NoticeElement
{
    /// <summary>Art. 16(2)(a): a sufficiently substantiated explanation of why the content is illegal.</summary>
    Explanation,

    /// <summary>Art. 16(2)(b): the exact URL or URLs (http or https) of the content.</summary>
    ExactUrls,

    /// <summary>Art. 16(2)(c): the notifier's name.</summary>
    NotifierName,

    /// <summary>Art. 16(2)(c): the notifier's e-mail address.</summary>
    NotifierEmail,

    /// <summary>Art. 16(2)(d): the statement of good faith.</summary>
    GoodFaithStatement,
}

/// <summary>The check made before any notice is filed.</summary>
public static class DsaNoticeCheck
{
    /// <summary>
    /// What the victim is told before approving a notice, in Dutch: platforms may pass notices on for publication.
    /// </summary>
    public const string PublicationWarningNl =
        "Platforms kunnen meldingen die zij ontvangen openbaar maken, bijvoorbeeld in de Lumen-database (lumendatabase.org). " +
        "De melding bevat daarom alleen wat de wet vereist: de webadressen, de toelichting, de naam en het e-mailadres van " +
        "de melder en de verklaring te goeder trouw. Alles wat erin staat, ook de toelichting, kan openbaar worden: lees " +
        "de melding voordat u hem goedkeurt. Let op: haalt het platform de inhoud weg, dan laat het de plaatser weten " +
        "waarom, en mag het daarbij de naam van de melder noemen als dat strikt nodig is (artikel 17, derde lid, onder b, " +
        "DSA). Wie u lastigvalt, kan dan lezen dat u de melding deed.";

    /// <summary>The same warning in English.</summary>
    public const string PublicationWarningEn =
        "Platforms may publish notices they receive, for example in the Lumen database (lumendatabase.org). " +
        "The notice therefore contains only what the law requires: the web addresses, the explanation, " +
        "the notifier's name and e-mail address and the statement of good faith. Everything in it, the explanation " +
        "included, may become public: read the notice before you approve it. Note: when the platform takes the content " +
        "down, it tells the person who posted it why, and may name the notifier where strictly necessary (Article " +
        "17(3)(b) DSA). Whoever harasses you could then read that you made the report.";

    /// <summary>The elements DSA Art. 16(2) requires that the notice lacks; empty when it is complete.</summary>
    public static IReadOnlyList<NoticeElement> Missing(DsaNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var missing = new List<NoticeElement>();
        if (string.IsNullOrWhiteSpace(notice.Explanation))
        {
            missing.Add(NoticeElement.Explanation);
        }
        if (notice.Urls is null || notice.Urls.Count == 0 || !notice.Urls.All(IsExactWebAddress))
        {
            missing.Add(NoticeElement.ExactUrls);
        }
        if (string.IsNullOrWhiteSpace(notice.Notifier?.Name))
        {
            missing.Add(NoticeElement.NotifierName);
        }
        if (!IsEmailAddress(notice.Notifier?.Email))
        {
            missing.Add(NoticeElement.NotifierEmail);
        }
        if (string.IsNullOrWhiteSpace(notice.GoodFaithStatement))
        {
            missing.Add(NoticeElement.GoodFaithStatement);
        }
        return missing;
    }

    /// <summary>Throws <see cref="IncompleteNoticeException"/> unless the notice is complete.</summary>
    public static void EnsureComplete(DsaNotice notice)
    {
        var missing = Missing(notice);
        if (missing.Count > 0)
        {
            throw new IncompleteNoticeException(missing);
        }
    }

    private static bool IsExactWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    // RFC 5322 strictly: an address needs a domain, and nothing may follow it.
    private static readonly ParserOptions StrictAddresses = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    private static bool IsEmailAddress(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace)
            && MailboxAddress.TryParse(StrictAddresses, email, out _);
    }
}

/// <summary>A notice lacks elements DSA Art. 16(2) requires; nothing was sent.</summary>
public sealed class IncompleteNoticeException(IReadOnlyList<NoticeElement> missing)
    : Exception("The notice lacks what DSA Art. 16(2) requires: " + string.Join(", ", missing) + ".")
{
    public IReadOnlyList<NoticeElement> Missing { get; } = missing;
}
