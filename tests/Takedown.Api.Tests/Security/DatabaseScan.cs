using Npgsql;

namespace Takedown.Api.Tests.Security;

/// <summary>Looks for a string in every text, json, binary and array column of every base table of a database.</summary>
public static class DatabaseScan
{
    /// <summary>The columns (schema.table.column) holding <paramref name="text"/>, ignoring case; only the tables in <paramref name="only"/> when given.</summary>
    public static async Task<IReadOnlyList<string>> TablesContainingAsync(string connectionString, string text, params string[] only)
    {
        ArgumentNullException.ThrowIfNull(only);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.table_schema, c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        columns.Count.ShouldBeGreaterThan(20, "the scan saw the schema");
        var found = new List<string>();
        foreach (var (schema, table, column, type) in columns.Where(c => only.Length == 0 || only.Contains(c.Table)))
        {
            var value = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text";
            await using var command = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE strpos(lower({value}), lower($1)) > 0", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = text });
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{schema}.{table}.{column}");
            }
        }
        return found;
    }
}
