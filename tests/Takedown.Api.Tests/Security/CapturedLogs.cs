using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Takedown.Api.Tests.Security;

/// <summary>
/// Keeps every log entry of a host as text: the formatted message, each structured value, the scopes and the
/// exception, so a test can look for personal data in all of them.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => _entries;

    /// <summary>The entries that contain <paramref name="text"/> (ignoring case).</summary>
    public IReadOnlyList<string> Containing(string text) =>
        [.. _entries.Where(e => e.Contains(text, StringComparison.OrdinalIgnoreCase))];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder();
            text.Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(" | ").Append(key).Append('=').Append(value);
                }
            }
            owner._scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }
            owner._entries.Enqueue(text.ToString());
        }
    }
}
