using System.Text.RegularExpressions;

namespace Takedown.Letters.Replies;

/// <summary>What an inbound reply to a request seems to mean. An operator confirms before it affects a deadline.</summary>
public enum ReplyMeaning
{
    Unknown,
    Answered,
    Extension,
    IdentityCheck,
    Bounce,
}

/// <summary>The classifier's proposal, with the phrases that led to it so the operator can check them.</summary>
public sealed record ReplyClassification(ReplyMeaning Meaning, double Confidence, IReadOnlyList<string> MatchedPhrases);

/// <summary>
/// Proposes the meaning of a reply from Dutch and English keyword rules. Only a proposal: the confirmed meaning
/// drives the deadline (GDPR Art. 12(3): an extension only counts within the first month; Art. 12(6): an identity
/// check pauses the clock; a bounce means the controller's address is wrong).
/// </summary>
public static partial class ReplyClassifier
{
    private static readonly Rule[] BounceRules =
    [
        new("undelivered mail returned to sender"), new("delivery status notification"), new("mail delivery failed"),
        new("delivery has failed"), new("undeliverable"), new("could not be delivered"), new("address not found"),
        new("user unknown"), new("no such user"), new("recipient address rejected"), new("mailbox unavailable"),
        new("onbestelbaar"), new("kan niet worden bezorgd"), new("kon niet worden bezorgd"), new("niet afgeleverd"),
        new("bezorging mislukt"), new("mailer-daemon"), new("diagnostic-code:"), new(@"status: 5\.\d+\.\d+"),
        new("action: failed"),
    ];

    private static readonly Rule[] IdentityRules =
    [
        new(@"verify (your|the data subject'?s?|their) identity"), new(@"confirm (your|the data subject'?s?|their) identity"),
        new("verification of (your|the) identity"), new("proof of (identity|id)"), new("identity document"),
        new(@"cop(y|ies) of (your|the|a) (passport|id|identity card|driving licen[cs]e)"), new(@"identify (you|the data subject)"),
        new(@"identiteit (te |kunnen )?(verifi[eë]ren|vaststellen|controleren|bevestigen)"), new("identiteitsbewijs"),
        new(@"kopie van (uw|je|een) (paspoort|identiteitskaart|rijbewijs|id)"), new("legitimatiebewijs"), new("legitimeren"),
        new(@"article 12\(6\)"), new(@"artikel 12,? (zesde lid|lid 6)"),
    ];

    private static readonly Rule[] ExtensionRules =
    [
        new(@"extend(ed|ing)?\b"), new(@"extension"), new(@"(two|2) (further|more|additional|extra) months"),
        new(@"(further|additional|extra) (two|2) months"), new("more time"), new(@"verleng(en|d|ing)?\b"),
        new(@"(twee|2) (extra |aanvullende )?maanden"), new("meer tijd"),
    ];

    private static readonly Rule[] AnsweredRules =
    [
        new(@"(has|have) been (deleted|removed|erased|taken down)"), new(@"(was|were) (deleted|removed|erased|taken down)"),
        new(@"we (have )?(deleted|removed|erased|taken down)"), new(@"no longer (available|online|accessible|visible)"),
        new(@"(is|zijn|werd|werden) (inmiddels |nu )?(verwijderd|gewist)"), new(@"(hebben|heb) .{0,60}(verwijderd|gewist)"),
        new(@"offline gehaald"), new(@"niet (meer|langer) (beschikbaar|zichtbaar|online|vindbaar)"),
        new(@"(refuse|decline|reject)s? (your|the|this) request"), new("cannot comply"),
        new(@"will not (delete|remove|erase)"), new(@"weiger(en|t)"), new(@"wijzen .{0,60}\baf\b"), new("afgewezen"),
        new(@"geen gehoor (geven|gegeven)"), new(@"niet (in ?gaan|ingegaan) op"),
    ];

    private static readonly Rule[] AutoReplyRules =
    [
        new("out of office"), new("automatic reply"), new("auto-reply"), new("autoreply"), new("automatisch antwoord"),
        new("afwezigheidsbericht"), new(@"^afwezig"), new("i am currently away"), new("ik ben (momenteel |tot en met .{0,30})?afwezig"),
    ];

    /// <summary>Classifies a reply.</summary>
    /// <param name="subject">The reply's Subject header.</param>
    /// <param name="body">The plain-text body; quoted text (our own letter) is ignored.</param>
    /// <param name="contentType">The top-level Content-Type; multipart/report marks a delivery status notification.</param>
    /// <param name="fromAddress">The sender; MAILER-DAEMON and postmaster send bounces.</param>
    public static ReplyClassification Classify(string? subject, string? body, string? contentType = null, string? fromAddress = null)
    {
        var subjectText = Normalise(subject ?? "");
        var bodyText = Normalise(StripQuoted(body ?? ""));
        var everything = subjectText + "\n" + bodyText;

        if (contentType is not null
            && (contentType.Contains("multipart/report", StringComparison.OrdinalIgnoreCase)
                || contentType.Contains("delivery-status", StringComparison.OrdinalIgnoreCase)))
        {
            return new(ReplyMeaning.Bounce, 0.95, ["content-type: multipart/report", .. Matches(BounceRules, everything)]);
        }
        var bounce = Matches(BounceRules, everything);
        if (fromAddress is not null && FromDaemon().IsMatch(fromAddress))
        {
            bounce = ["from: mailer-daemon/postmaster", .. bounce];
        }
        if (bounce.Count > 0)
        {
            return new(ReplyMeaning.Bounce, Math.Min(0.9, 0.5 + 0.15 * bounce.Count), bounce);
        }

        var autoReply = Matches(AutoReplyRules, subjectText);
        if (autoReply.Count > 0)
        {
            // An out-of-office message is no answer, even if it happens to say "removed" or "more time".
            return new(ReplyMeaning.Unknown, 0.7, autoReply);
        }

        // Identity checks and extension notices often also talk about deleting later, so they take precedence.
        var candidates = new (ReplyMeaning Meaning, IReadOnlyList<string> Matched)[]
        {
            (ReplyMeaning.IdentityCheck, Matches(IdentityRules, bodyText)),
            (ReplyMeaning.Extension, Matches(ExtensionRules, bodyText)),
            (ReplyMeaning.Answered, Matches(AnsweredRules, bodyText)),
        };
        var hits = candidates.Where(c => c.Matched.Count > 0).ToList();
        if (hits.Count == 0)
        {
            return new(ReplyMeaning.Unknown, 0, []);
        }
        var best = hits[0];
        var confidence = Math.Min(0.9, 0.5 + 0.15 * (best.Matched.Count - 1)) - (hits.Count > 1 ? 0.2 : 0);
        return new(best.Meaning, Math.Round(Math.Max(0.3, confidence), 2), best.Matched);
    }

    /// <summary>
    /// Drops the quoted original (our own letter mentions extensions and identity checks): lines starting with
    /// "&gt;" and everything after a reply or forward marker.
    /// </summary>
    private static string StripQuoted(string body)
    {
        var kept = new List<string>();
        foreach (var raw in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (QuoteMarker().IsMatch(line))
            {
                break;
            }
            if (!line.StartsWith('>'))
            {
                kept.Add(line);
            }
        }
        return string.Join('\n', kept);
    }

    private static string Normalise(string text) => Whitespace().Replace(text.ToLowerInvariant(), " ").Trim();

    private static List<string> Matches(IEnumerable<Rule> rules, string text) =>
        [.. rules.Select(r => r.Pattern.Match(text)).Where(m => m.Success).Select(m => m.Value).Distinct()];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(-{2,}\s*(original message|oorspronkelijk bericht|forwarded message|doorgestuurd bericht)\s*-{2,}|on .+ wrote:|op .+ (schreef|heeft .+ geschreven).*:|(from|van): .+|_{10,})$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteMarker();

    [GeneratedRegex(@"mailer-daemon|postmaster@", RegexOptions.IgnoreCase)]
    private static partial Regex FromDaemon();

    private sealed class Rule(string pattern)
    {
        public Regex Pattern { get; } = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }
}
