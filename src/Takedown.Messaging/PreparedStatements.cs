using System.Data;
using Npgsql;

namespace Takedown.Messaging;

/// <summary>
/// Npgsql prepares a statement automatically on its fifth use on a connection. When that use fails on the server while
/// its values are bound (a value the parameter's type refuses), Npgsql 10 keeps the statement marked as prepared without
/// its result columns, and the statement's next use on the same connection loses protocol step ("Received unexpected
/// backend message DataRow"), in whichever request or message gets that connection next. So appends never fail on
/// the server on purpose: a conflict returns no rows, and JSON that jsonb would refuse is refused here first. For the
/// failures nobody plans, a session that owns its connection, and the message worker, drop the connection's prepared
/// statements before it is used again.
/// </summary>
public static partial class PreparedStatements
{
    /// <summary>
    /// Throws when <paramref name="json"/> holds a NUL character (<c>\u0000</c>), which PostgreSQL's jsonb cannot store
    /// and refuses while binding the value. Names only <paramref name="what"/>, never the content.
    /// </summary>
    public static void RefuseNul(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Contains("\\u0000", StringComparison.Ordinal) && EscapedNul().IsMatch(json))
        {
            throw new ArgumentException($"The {what} holds a NUL character, which PostgreSQL cannot store in jsonb.", nameof(json));
        }
    }

    /// <summary>A <c>\u0000</c> escape, not a literal backslash followed by "u0000" (an even number of backslashes before).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<!\\)(?:\\\\)*\\u0000", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex EscapedNul();

    /// <summary>
    /// Drops the prepared statements of <paramref name="connection"/> (<c>DEALLOCATE ALL</c>, and Npgsql's own
    /// record of them) after a failed statement, once its transaction has been rolled back. A connection that is
    /// closed or broken is left as it is: Npgsql discards it.
    /// </summary>
    public static void ForgetAfterFailure(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.FullState != ConnectionState.Open)
        {
            return;
        }
        try
        {
            connection.UnprepareAll();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The connection went away meanwhile: Npgsql will not hand it out again.
        }
    }
}
