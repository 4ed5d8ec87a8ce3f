using System.Diagnostics;
using System.Text;
using Takedown.Testing;

namespace Takedown.Api.Tests.Reliability;

/// <summary>
/// Runs <c>ops/fault-test.sh</c> (the API and two worker processes on a PostgreSQL cluster of their own, a real SMTP
/// server, a load of API calls, a worker killed with SIGKILL and PostgreSQL restarted mid-load) with a smaller load
/// than its default, and fails when any of its checks fails: an accepted request lost, a letter sent twice, a deadline
/// check missing, a dead letter, or a host that did not recover by itself.
/// </summary>
public sealed class FaultScriptTests
{
    [Fact]
    public async Task Worker_killed_and_database_restarted_under_load_loses_nothing_and_sends_nothing_twice()
    {
        var script = Path.Combine(Repository.Root, "ops", "fault-test.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("18");
        start.ArgumentList.Add("3");
        // The script runs the Release hosts; when the tests run from a Release build they are there already.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        start.Environment["TAKEDOWN_SKIP_BUILD"] = configuration == "Release" ? "1" : "0";
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The fault test did not finish within 10 minutes:\n" + Text(output));
        }
        process.WaitForExit();

        var text = Text(output);
        process.ExitCode.ShouldBe(0, text);
        text.ShouldContain("all checks passed", Case.Sensitive, text);
        text.ShouldContain("| faults injected | 2 (SIGKILL worker-1, pg_ctl restart) |", Case.Sensitive, text);
        text.ShouldContain("| accepted requests lost | 0 |", Case.Sensitive, text);
        text.ShouldContain("| letters sent twice | 0 |", Case.Sensitive, text);
        text.ShouldContain("| deadline checks lost | 0 |", Case.Sensitive, text);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
