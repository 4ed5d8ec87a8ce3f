using Takedown.Domain.Letters;

namespace Takedown.Application.ControllerDirectory;

/// <summary>
/// How a request to a directory record's controller goes: the channel (one of <see cref="LetterChannels"/>) and what
/// that channel needs. An e-mail address typed by the victim or the partner overrides the record: the request is then
/// e-mailed there, which is how a record without a usable channel can still be picked.
/// </summary>
public sealed record ControllerRoute(string Channel, string? Email, IReadOnlyList<string>? Address, string? WebForm)
{
    /// <summary>The route for <paramref name="entry"/>, or null when the record has no usable channel and no address was typed.</summary>
    public static ControllerRoute? From(DirectoryEntry entry, string? typedEmail)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!string.IsNullOrWhiteSpace(typedEmail))
        {
            return new ControllerRoute(LetterChannels.Email, typedEmail.Trim(), null, null);
        }
        if (!entry.Usable)
        {
            return null;
        }
        return entry.Channel switch
        {
            ControllerChannel.Email => new ControllerRoute(LetterChannels.Email, entry.Email, null, null),
            ControllerChannel.WebForm => new ControllerRoute(LetterChannels.WebForm, null, null, entry.WebForm),
            _ => new ControllerRoute(LetterChannels.Post, null, entry.Address, null),
        };
    }
}
