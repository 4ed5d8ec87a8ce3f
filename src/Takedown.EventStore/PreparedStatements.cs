using System.Data;
using Npgsql;

namespace Takedown.EventStore;

/// <summary>
/// Npgsql prepares a statement automatically on its fifth use on a connection. When that use fails on the server,
/// Npgsql 10 keeps the statement marked as prepared without its result columns, and the statement's next use on the
/// same connection loses protocol step ("Received unexpected backend message DataRow"). Appends never fail on
/// purpose (a conflict returns no rows); for the failures nobody plans (a deadlock, a constraint), a connection that
/// saw one forgets its prepared statements before it is used again.
/// </summary>
public static class PreparedStatements
{
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
