using System.Diagnostics;

namespace Takedown.Messaging.Tests.Support;

/// <summary>A message worker in a second OS process (see <see cref="Program"/>).</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly List<string> _unmatched = [];

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static async Task<WorkerProcess> StartAsync(string connectionString, string schema, string mode, TimeSpan lease)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(Program).Assembly.Location, "--worker", connectionString, schema, mode, ((int)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }
        var worker = new WorkerProcess(Process.Start(start)!);
        await worker.WaitForLineAsync(line => line == "ready");
        return worker;
    }

    /// <summary>
    /// Waits for a line that matches. Lines that do not match stay for later waits: a worker may print
    /// <c>started …</c> before <c>ready</c> when the message was published before it started.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, int seconds = 60)
    {
        var earlier = _unmatched.FindIndex(line => match(line));
        if (earlier >= 0)
        {
            var found = _unmatched[earlier];
            _unmatched.RemoveAt(earlier);
            return found;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            string line;
            try
            {
                line = await _lines.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The worker process printed nothing matching in {seconds} s (exited: {_process.HasExited}).");
            }
            if (match(line))
            {
                return line;
            }
            _unmatched.Add(line);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, the lease stays in the table.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Closes standard input: the worker stops gracefully.</summary>
    public async Task StopAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
