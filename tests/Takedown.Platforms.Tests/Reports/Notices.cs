using Takedown.Platforms.Notices;

namespace Takedown.Platforms.Tests.Reports;

public static class Notices
{
    public static DsaNotice Complete(string reference = "TD-2026-0001") => new(
        reference,
        ["https://forum.example.org/thread/123#post-9", "http://paste.example.net/abc"],
        "The posts publish the victim's home address and phone number to incite harassment (doxing).",
        "privacy",
        new NotifierContact("A. Jansen", "notifier@example.nl"),
        DsaNotice.StandardGoodFaithStatement);
}
