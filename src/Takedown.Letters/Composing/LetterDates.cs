namespace Takedown.Letters.Composing;

/// <summary>
/// Dates as people write them: "3 maart 2026" in Dutch, "3 March 2026" in English. Month names are spelled out
/// here rather than taken from ICU culture data, so the text (and its hash) is the same on every machine.
/// </summary>
public static class LetterDates
{
    private static readonly string[] DutchMonths =
        ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

    private static readonly string[] EnglishMonths =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateOnly date, string language) => language switch
    {
        "nl" => $"{date.Day} {DutchMonths[date.Month - 1]} {date.Year}",
        "en" => $"{date.Day} {EnglishMonths[date.Month - 1]} {date.Year}",
        _ => throw new ArgumentException($"Unsupported letter language '{language}'; use \"nl\" or \"en\".", nameof(language)),
    };
}
