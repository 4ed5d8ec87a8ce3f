namespace Takedown.Domain.Deadlines;

/// <summary>A text the product shows in both languages a case can have.</summary>
public sealed record LocalizedText(string Nl, string En)
{
    public string For(string language) => language == "nl" ? Nl : En;

    public static LocalizedText Join(IEnumerable<LocalizedText> parts)
    {
        var list = parts.ToList();
        return new(string.Join(" ", list.Select(p => p.Nl)), string.Join(" ", list.Select(p => p.En)));
    }
}
