namespace Takedown.Api.Portal;

/// <summary>
/// The page's language: Dutch unless the victim chose English with the language switch (a cookie, never the URL,
/// so a link or a screenshot shows nothing about the choice).
/// </summary>
public sealed class PortalText(IHttpContextAccessor accessor)
{
    public const string Cookie = "td_lang";

    public string Language => accessor.HttpContext?.Request.Cookies[Cookie] == "en" ? "en" : "nl";

    public bool IsDutch => Language == "nl";

    /// <summary>The Dutch or the English text, whichever the page is in.</summary>
    public string T(string nl, string en) => IsDutch ? nl : en;

    public string Date(DateOnly date) => Letters.Composing.LetterDates.Format(date, Language);

    public string Date(DateTimeOffset at) => Date(DateOnly.FromDateTime(Local(at).DateTime));

    public string DateTime(DateTimeOffset at) => $"{Date(at)} {Local(at):HH:mm}";

    /// <summary>Times are shown as a Dutch victim lives them: Europe/Amsterdam.</summary>
    public static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Amsterdam);

    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
}
