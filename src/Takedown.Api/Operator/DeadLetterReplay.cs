using System.Security.Claims;
using Takedown.Application.PlatformReports;
using Takedown.Application.Webhooks;
using Takedown.Domain.Operators;
using JasperFx.Events;
using Marten;
using Npgsql;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Messaging;

namespace Takedown.Api.Operator;

/// <summary>A dead letter as operators see it: never its body or headers, only what failed and how often.</summary>
public sealed record DeadLetterRow(Guid Id, string MessageType, int Attempts, string Error, DateTimeOffset FailedAt);

/// <summary>
/// Messages that failed for good, listed for operators and put back in the queue by a supervisor: those of
/// <c>Takedown.Messaging</c> and Wolverine's (the deadline checks). The replay is recorded as
/// <see cref="OperatorActionRecorded"/> (subject: the message id) in the supervisor's own audit stream, since a message
/// has no stream.
/// </summary>
public sealed class DeadLetterReplay(
    DeadLetters deadLetters, IDocumentStore store, NpgsqlDataSource dataSource, DatabaseOptions options, TimeProvider time,
    PlatformStatusWebhooks statusWebhooks, WebhookInboxSignal signal)
{
    public const int ListLimit = 200;

    public async Task<IReadOnlyList<DeadLetterRow>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = (await deadLetters.ListAsync(ListLimit, cancellationToken))
            .Select(d => new DeadLetterRow(d.Id, d.MessageType, d.Attempts, d.Error, d.FailedAt)).ToList();
        rows.AddRange(await WolverineDeadLettersAsync(cancellationToken));
        return [.. rows.OrderByDescending(r => r.FailedAt).Take(ListLimit)];
    }

    /// <summary>
    /// Wolverine's dead letters not yet marked for replay: the exception's type and message, never the body. Wolverine
    /// keeps no attempt count with them; its error policy (docs/messaging.md) says how many there were.
    /// </summary>
    private async Task<IReadOnlyList<DeadLetterRow>> WolverineDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT id, message_type, coalesce(exception_type, ''), left(coalesce(exception_message, ''), 300), coalesce(sent_at, execution_time, now())
            FROM {options.MessageSchema}.wolverine_dead_letters WHERE NOT replayable ORDER BY sent_at DESC LIMIT {ListLimit}
            """);
        var rows = new List<DeadLetterRow>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = reader.GetString(2);
                rows.Add(new DeadLetterRow(reader.GetGuid(0), reader.GetString(1), 0,
                    $"{type[(type.LastIndexOf('.') + 1)..]}: {reader.GetString(3)}", reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No Wolverine host has started on this database yet: it has no dead letters either.
        }
        return rows;
    }

    /// <summary>
    /// Puts the dead letter back in the queue; false when there is none with that id (replayed already).
    /// </summary>
    /// <exception cref="Domain.DomainRuleViolated">The user's role may not replay messages.</exception>
    public async Task<bool> ReplayAsync(ClaimsPrincipal user, Guid id, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.ReplayDeadLetter);
        var operatorId = user.OperatorId();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The message moves back and the replay is recorded in one transaction: both happen, or neither. Wolverine's
        // dead letters are marked replayable, and its durability agent moves them back to its inbox.
        if (!await deadLetters.ReplayAsync(id, connection, transaction, cancellationToken)
            && !await MarkWolverineReplayableAsync(connection, transaction, id, cancellationToken))
        {
            return false;
        }
        var session = store.OpenSession(transaction, new EventMetadata(correlationId, null, "operator:" + operatorId));
        session.Events.Append(OperatorAudit.StreamOf(operatorId), new OperatorActionRecorded(id, operatorId, OperatorActions.ReplayDeadLetter, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<bool> MarkWolverineReplayableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {options.MessageSchema}.wolverine_dead_letters SET replayable = true WHERE id = $1 AND NOT replayable", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Platform status updates the inbox processor gave up on.</summary>
    public Task<IReadOnlyList<FailedStatusUpdate>> ListFailedUpdatesAsync(CancellationToken cancellationToken) =>
        statusWebhooks.ListFailedAsync(ListLimit, cancellationToken);

    /// <summary>
    /// Puts a failed status update back in the inbox, audited in the supervisor's stream (subject: the report) in the
    /// same transaction; false when there is no such failed update (retried already).
    /// </summary>
    /// <exception cref="Domain.DomainRuleViolated">The user's role may not retry status updates.</exception>
    public async Task<bool> RetryUpdateAsync(
        ClaimsPrincipal user, string integration, string webhookId, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        OperatorActions.EnsureAllowed(user.OperatorRole(), OperatorActions.RetryStatusUpdate);
        var operatorId = user.OperatorId();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await statusWebhooks.RetryFailedAsync(connection, transaction, integration, webhookId, cancellationToken) is not { } reportId)
        {
            return false;
        }
        var session = store.OpenSession(transaction, new EventMetadata(correlationId, null, "operator:" + operatorId));
        session.Events.Append(OperatorAudit.StreamOf(operatorId), new OperatorActionRecorded(reportId, operatorId, OperatorActions.RetryStatusUpdate, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return true;
    }
}

/// <summary>
/// <c>/operator/api/dead-letters</c>: the dead-letter list and replay as JSON for scripts, with the operator cookie
/// (SameSite=Strict, so another site cannot post with it) and the same role rule as the page.
/// </summary>
public static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/operator/api/dead-letters")
            .RequireAuthorization(OperatorSetup.OperatorPolicy)
            .AddEndpointFilter<OperatorActionEndpointFilter>()
            .ExcludeFromDescription();
        group.MapGet("", async (DeadLetterReplay replay, CancellationToken cancellationToken) =>
            TypedResults.Ok(await replay.ListAsync(cancellationToken)));
        group.MapPost("{id:guid}/replay", Replay).WithMetadata(new OperatorActionAttribute(OperatorActions.ReplayDeadLetter));
        return app;
    }

    public static async Task<IResult> Replay(
        Guid id, HttpContext http, DeadLetterReplay replay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(replay);
        return await replay.ReplayAsync(http.User, id, http.TraceIdentifier, cancellationToken)
            ? TypedResults.Accepted((string?)null, new { id, replayed = true })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "There is no dead letter with this id; it may have been replayed already.");
    }
}
