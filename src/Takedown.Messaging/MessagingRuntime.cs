using System.Text.Json;
using Npgsql;

namespace Takedown.Messaging;

/// <summary>What every part of messaging shares in one process: settings, connections, handlers, clock.</summary>
internal sealed class MessagingRuntime : IAsyncDisposable
{
    public MessagingRuntime(MessagingOptions options, TimeProvider time)
    {
        options.Validate();
        Options = options;
        Time = time;
        Handlers = new HandlerRegistry(options);
        var connectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (connectionString.MaxAutoPrepare == 0)
        {
            // The engine runs the same few statements thousands of times; preparing them saves the server a parse
            // and plan per message.
            connectionString.MaxAutoPrepare = 16;
        }
        DataSource = NpgsqlDataSource.Create(connectionString);
        Sql = new MessagingSql(options.Schema);
    }

    public MessagingOptions Options { get; }

    public TimeProvider Time { get; }

    public HandlerRegistry Handlers { get; }

    public NpgsqlDataSource DataSource { get; }

    public MessagingSql Sql { get; }

    public string Serialize(object message) => JsonSerializer.Serialize(message, message.GetType(), Options.Json);

    public object Deserialize(string body, Type type) =>
        JsonSerializer.Deserialize(body, type, Options.Json) ?? throw new JsonException("The message body is null.");

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
