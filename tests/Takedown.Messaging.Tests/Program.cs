using Takedown.Messaging.Tests.Support;

namespace Takedown.Messaging.Tests;

/// <summary>
/// <c>dotnet Takedown.Messaging.Tests.dll --worker CONNECTION SCHEMA MODE LEASE_MS</c> runs a message worker in a
/// process of its own, so tests can run two worker processes and kill one with SIGKILL. MODE is <c>normal</c> or
/// <c>hang</c> (the handler records its effect and never finishes). Prints <c>ready</c> once working; stops
/// gracefully when its standard input closes.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["--worker", var connectionString, var schema, var mode, var leaseMilliseconds])
        {
            await Console.Error.WriteLineAsync("usage: --worker CONNECTION SCHEMA normal|hang LEASE_MS");
            return 2;
        }
        var messaging = await TestMessaging.StartAsync(
            connectionString,
            schema,
            worker: true,
            configure: o =>
            {
                o.LeaseDuration = TimeSpan.FromMilliseconds(int.Parse(leaseMilliseconds, System.Globalization.CultureInfo.InvariantCulture));
                o.Policy<RecordEffect>(retries: 1000);
            },
            probe: p =>
            {
                p.Hang = mode == "hang";
                p.WorkerName = "child";
            });
        await using (messaging)
        {
            await Console.Out.WriteLineAsync("ready");
            await Console.Out.FlushAsync();
            await Console.In.ReadToEndAsync();
        }
        return 0;
    }
}
