using System.Globalization;

namespace Takedown.Api.Operator;

/// <summary>
/// Where a page of a list starts or ends: the sort key of its first or last row (for deadlines the due date, then the
/// due instant; otherwise an instant) and the row's id. The next page is read from there by index range ("keyset
/// pagination"), so page 500 costs what page 1 costs, and a row added meanwhile neither repeats nor skips one. Written in
/// links as <c>ticks.id</c>, or <c>yyyy-MM-dd.ticks.id</c> with a date.
/// </summary>
public sealed record Keyset(DateTimeOffset At, Guid Id, DateOnly? Date = null)
{
    public override string ToString() => Date is { } date
        ? string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd}.{At.UtcTicks}.{Id:N}")
        : string.Create(CultureInfo.InvariantCulture, $"{At.UtcTicks}.{Id:N}");

    /// <summary>A cursor from a link; anything else (edited by hand, cut short) is no cursor: the list starts over.</summary>
    public static Keyset? Parse(string? text)
    {
        var parts = (text ?? "").Split('.');
        DateOnly? date = null;
        if (parts.Length == 3 && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            date = d;
            parts = parts[1..];
        }
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[1], "N", out var id)
            ? new Keyset(new DateTimeOffset(ticks, TimeSpan.Zero), id, date)
            : null;
    }
}

/// <summary>Which page to read: after a row (further along the list's order), before one (back), or the first.</summary>
public sealed record PageRequest(Keyset? After, Keyset? Before)
{
    public static readonly PageRequest First = new(null, null);

    public static PageRequest From(string? after, string? before) =>
        Keyset.Parse(after) is { } a ? new(a, null) : Keyset.Parse(before) is { } b ? new(null, b) : First;
}

/// <summary>A page of a list and the cursors of the pages on either side (null: nothing there).</summary>
public sealed record Page<T>(IReadOnlyList<T> Rows, Keyset? Previous, Keyset? Next)
{
    /// <summary>
    /// The page from up to <paramref name="limit"/> + 1 rows read in the direction of <paramref name="request"/> (read
    /// backwards for <see cref="PageRequest.Before"/>): the extra row only says that more follow.
    /// </summary>
    internal static Page<T> From(List<(T Row, Keyset Key)> read, int limit, PageRequest request)
    {
        var more = read.Count > limit;
        if (more)
        {
            read.RemoveAt(read.Count - 1);
        }
        if (request.Before is { } before)
        {
            read.Reverse();
            return new Page<T>([.. read.Select(r => r.Row)], more ? read[0].Key : null, read.Count > 0 ? read[^1].Key : before);
        }
        return new Page<T>([.. read.Select(r => r.Row)], request.After is { } after ? (read.Count > 0 ? read[0].Key : after) : null,
            more ? read[^1].Key : null);
    }
}

/// <summary>The SQL of a keyset page over an index on the sort columns and the id, for lists sorted either way.</summary>
internal static class KeysetSql
{
    /// <summary>
    /// The condition (with <c>AND</c>, or empty for the first page) and the <c>ORDER BY</c> list for reading
    /// <paramref name="request"/>'s page of a list sorted by <paramref name="columns"/> (the instant and the id, or the
    /// date, the instant and the id); the cursor's values go in the parameters from <c>$firstParameter</c>
    /// (<see cref="Parameters"/>). A row comparison is an index range condition for PostgreSQL.
    /// </summary>
    public static (string Condition, string Order) For(string[] columns, bool descending, PageRequest request, int firstParameter)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var forward = request.Before is null;
        var ascending = forward != descending;
        var list = string.Join(", ", columns);
        var condition = request.After is null && request.Before is null
            ? ""
            : $"AND ({list}) {(ascending ? ">" : "<")} ({string.Join(", ", columns.Select((_, i) => $"${firstParameter + i}"))})";
        var direction = ascending ? "" : " DESC";
        return (condition, string.Join(", ", columns.Select(c => c + direction)));
    }

    /// <summary>The cursor's values for <see cref="For"/>: with its date first when the list sorts by one.</summary>
    public static IEnumerable<Npgsql.NpgsqlParameter> Parameters(PageRequest request, bool withDate = false) =>
        (request.After ?? request.Before) is { } key
            ? withDate
                ? [new Npgsql.NpgsqlParameter { Value = key.Date ?? DateOnly.MinValue }, new Npgsql.NpgsqlParameter { Value = key.At }, new Npgsql.NpgsqlParameter { Value = key.Id }]
                : [new Npgsql.NpgsqlParameter { Value = key.At }, new Npgsql.NpgsqlParameter { Value = key.Id }]
            : [];
}
