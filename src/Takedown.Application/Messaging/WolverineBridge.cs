using Takedown.Messaging;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime;
using StandInContext = Takedown.Messaging.MessageContext;

namespace Takedown.Application.Messaging;

/// <summary>
/// For handlers that still run on <c>Takedown.Messaging</c> and publish messages Wolverine handles (a sent letter
/// schedules its deadline check): Wolverine's outbox in the handler's transaction. What is published is stored in
/// that transaction, so it commits or rolls back with the handler's effects, and is sent once it has committed.
/// </summary>
public static class WolverineBridge
{
    /// <summary>A Wolverine message bus enlisted in <paramref name="context"/>'s transaction.</summary>
    public static async Task<IMessageBus> WolverineOutboxAsync(this StandInContext context, IWolverineRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(runtime);
        var database = runtime.Storage as IMessageDatabase
            ?? throw new InvalidOperationException("Wolverine's messages are not stored in PostgreSQL: call AddTakedownWolverine in this host.");
        var bus = new Wolverine.Runtime.MessageContext(runtime);
        await bus.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction(database, context.Transaction)).ConfigureAwait(false);
        context.AfterCommit(_ => bus.FlushOutgoingMessagesAsync());
        return bus;
    }
}

/// <summary>
/// Deadline checks stored by <c>Takedown.Messaging</c> before Wolverine handled them: each is handed to Wolverine when
/// it falls due, in the same transaction that marks it handled here.
/// </summary>
public static class StoredDeadlineChecksHandler
{
    public static Task HandleAsync(CheckErasureDeadline message, StandInContext context, IWolverineRuntime runtime) => ForwardAsync(message, context, runtime);

    public static Task HandleAsync(ErasureDeadlineWarning message, StandInContext context, IWolverineRuntime runtime) => ForwardAsync(message, context, runtime);

    public static Task HandleAsync(CheckPlatformResponse message, StandInContext context, IWolverineRuntime runtime) => ForwardAsync(message, context, runtime);

    private static async Task ForwardAsync<T>(T message, StandInContext context, IWolverineRuntime runtime) where T : notnull
    {
        var bus = await context.WolverineOutboxAsync(runtime).ConfigureAwait(false);
        await bus.PublishAsync(message).ConfigureAwait(false);
    }
}
