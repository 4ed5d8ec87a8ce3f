using Takedown.Letters.Composing;

namespace Takedown.Application.ControllerDirectory;

/// <summary>
/// Where an AP complaint is lodged: the controller directory's record of the Autoriteit Persoonsgegevens
/// (<see cref="RecordId"/>), so a changed form or address reaches the pages and the dossier with the next snapshot or an
/// operator's correction, not a release. Without that record (a database whose directory was never imported) the
/// addresses the AP published when this was written (<see cref="ApAddresses"/>).
/// </summary>
/// <param name="Name">The AP's name as letters address it.</param>
/// <param name="WebForm">The complaint web form.</param>
/// <param name="PostalAddress">The postal address, one line each, without the country line (the victim posts in the Netherlands).</param>
/// <param name="RecordVersion">The directory record's version, or null for the built-in fallback.</param>
public sealed record ApContact(string Name, string WebForm, IReadOnlyList<string> PostalAddress, int? RecordVersion)
{
    /// <summary>The AP's record in the directory (upstream slug).</summary>
    public const string RecordId = "nlap";

    /// <summary>The built-in addresses, for when the directory has no record of the AP.</summary>
    public static ApContact BuiltIn { get; } = new(ApAddresses.Name, ApAddresses.ComplaintForm, ApAddresses.PostalAddress, null);

    /// <summary>The contact from the AP's directory record; a field the record lacks comes from <see cref="BuiltIn"/>.</summary>
    public static ApContact From(DirectoryEntry? record)
    {
        if (record is null)
        {
            return BuiltIn;
        }
        var address = record.Address.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToList();
        if (address.Count > 1 && DirectoryCountries.FromAddress(address) == "NL")
        {
            address.RemoveAt(address.Count - 1);
        }
        return new ApContact(
            ApAddresses.Name, string.IsNullOrWhiteSpace(record.WebForm) ? ApAddresses.ComplaintForm : record.WebForm.Trim(),
            address.Count > 0 ? address : ApAddresses.PostalAddress, record.Version);
    }
}
