using Microsoft.Extensions.Logging;

namespace Takedown.Messaging;

// Only ids, type names and exception types are logged: message bodies may hold a victim's personal data.
internal static partial class MessagingLog
{
    [LoggerMessage(1, LogLevel.Information, "Message worker {Worker} started with {Loops} loops")]
    public static partial void WorkerStarted(ILogger logger, string worker, int loops);

    [LoggerMessage(2, LogLevel.Warning, "Message {MessageId} ({MessageType}) failed on attempt {Attempt}; retry at {RetryAt}: {ErrorType}")]
    public static partial void WillRetry(ILogger logger, Guid messageId, string messageType, int attempt, DateTimeOffset retryAt, string errorType);

    [LoggerMessage(3, LogLevel.Error, "Message {MessageId} ({MessageType}) dead-lettered after {Attempts} attempts: {ErrorType}")]
    public static partial void DeadLettered(ILogger logger, Guid messageId, string messageType, int attempts, string errorType);

    [LoggerMessage(4, LogLevel.Warning, "Message loop error; trying again after the polling interval")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "LISTEN connection lost; polling until it is back")]
    public static partial void ListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Message {MessageId} ({MessageType}) was handled before; acknowledged without handling again")]
    public static partial void Duplicate(ILogger logger, Guid messageId, string messageType);
}
