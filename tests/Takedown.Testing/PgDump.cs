using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Takedown.Testing;

/// <summary>pg_dump of a whole database, as an attacker holding a backup would have it.</summary>
public static class PgDump
{
    /// <summary>A plain-SQL dump of every schema of the database behind <paramref name="connectionString"/>.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin", "pg_dump"))
            .Where(File.Exists)
            .OrderBy(p => int.Parse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p)))!, CultureInfo.InvariantCulture))
            .Last();
        var start = new ProcessStartInfo(pgDump)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--no-owner", "--host", settings.Host!, "--port", settings.Port.ToString(CultureInfo.InvariantCulture),
                "--username", settings.Username!, "--dbname", settings.Database! },
        };
        start.Environment["PGPASSWORD"] = settings.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_dump failed: " + await error);
        }
        return await output;
    }
}
