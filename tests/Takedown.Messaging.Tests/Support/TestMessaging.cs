using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Takedown.Messaging.Tests.Support;

/// <summary>A messaging host for tests: the services an API or worker host would have, started and stopped by hand.</summary>
public sealed class TestMessaging : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];

    private TestMessaging(ServiceProvider services, Probe probe, string connectionString)
    {
        ConnectionString = connectionString;
        Services = services;
        Probe = probe;
    }

    public string ConnectionString { get; }

    public ServiceProvider Services { get; }

    public Probe Probe { get; }

    public DeadLetters DeadLetters => Services.GetRequiredService<DeadLetters>();

    public static async Task<TestMessaging> StartAsync(
        string connectionString,
        string schema,
        bool worker,
        TimeProvider? time = null,
        Action<MessagingOptions>? configure = null,
        Action<Probe>? probe = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        var testProbe = new Probe(schema);
        probe?.Invoke(testProbe);
        services.AddSingleton(testProbe);
        services.AddMessaging(o =>
        {
            o.ConnectionString = connectionString;
            o.Schema = schema;
            o.PollingInterval = TimeSpan.FromMilliseconds(200);
            o.Discover(typeof(TestMessaging).Assembly);
            o.Policy<AlwaysFails>(retries: 2, firstDelay: TimeSpan.FromMilliseconds(10), maxDelay: TimeSpan.FromMilliseconds(50));
            configure?.Invoke(o);
        });
        if (worker)
        {
            services.AddMessageWorker();
        }
        var host = new TestMessaging(services.BuildServiceProvider(), testProbe, connectionString);
        foreach (var hosted in host.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            host._started.Add(hosted);
        }
        await Effects.CreateTableAsync(connectionString, schema);
        return host;
    }

    /// <summary>Publishes <paramref name="messages"/> through the outbox in one committed transaction.</summary>
    public async Task<IReadOnlyList<Guid>> PublishAsync(params object[] messages) =>
        await SendAsync(outbox => messages.Select(outbox.Publish).ToList());

    public async Task<T> SendAsync<T>(Func<MessageOutbox, T> write)
    {
        await using var scope = Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<MessageOutbox>();
        var result = write(outbox);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await outbox.SaveAsync(connection, transaction);
        await transaction.CommitAsync();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await Services.DisposeAsync();
    }
}

public static class Db
{
    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static string NewSchema() => "m_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Waits until <paramref name="condition"/> holds; a generous limit, not a speed assertion.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"Still not true after {seconds} s: {what}");
            }
            await Task.Delay(50);
        }
    }
}
