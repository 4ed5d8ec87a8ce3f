using Takedown.Application;
using Takedown.Application.PlatformReports;
using Takedown.Application.Webhooks;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Webhooks;

/// <summary>
/// <c>POST /webhooks/{integration}</c>: status updates from platforms and partner services, signed as the Standard
/// Webhooks specification has it. A verified update for a known ticket is stored in the inbox and answered
/// <c>202 Accepted</c> as soon as it is durable; the inbox processor applies it to the report moments later. Every
/// refusal is a problem details answer and stores nothing; a repeated <c>webhook-id</c> is acknowledged (200) without
/// a second effect.
/// </summary>
public static class ReceiveWebhookEndpoint
{
    /// <summary>The largest body accepted: a status update is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public sealed record Acknowledged(string Outcome);

    public static void MapReceiveWebhook(this IEndpointRouteBuilder app) => app
        .MapPost("/webhooks/{integration}", Receive)
        .AllowAnonymous()
        // For platforms, not integration partners: described in docs/webhooks.md, not in the partner API document.
        .ExcludeFromDescription()
        .WithName("ReceiveWebhook")
        .WithSummary("Receive a signed status update (Standard Webhooks)")
        .Produces<Acknowledged>(StatusCodes.Status202Accepted)
        .Produces<Acknowledged>()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    public static async Task<IResult> Receive(
        string integration, HttpRequest request, IncomingWebhookIntegrations integrations, WebhookVerifier verifier,
        PlatformStatusWebhooks statusWebhooks, WebhookInboxSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(integrations);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(statusWebhooks);
        ArgumentNullException.ThrowIfNull(signal);
        if (integrations.Find(integration) is not { } sender)
        {
            // The name comes from the address: counted as "unknown", so no caller can add label values.
            return Rejected("unknown", "unknown_integration",
                Problem(StatusCodes.Status404NotFound, "Unknown integration", "No webhook integration has this name."));
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return Rejected(sender.Name, "too_large", TooLarge());
        }
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Rejected(sender.Name, "too_large", TooLarge());
        }
        var verification = verifier.Verify(request.Headers, body, sender.Secrets);
        switch (verification)
        {
            case WebhookVerification.Valid:
                break;
            case WebhookVerification.MissingHeaders or WebhookVerification.BadTimestamp:
                return Rejected(sender.Name, verification == WebhookVerification.MissingHeaders ? "missing_headers" : "bad_timestamp",
                    Problem(StatusCodes.Status400BadRequest, "Not a signed webhook",
                        "The webhook-id, webhook-timestamp (Unix seconds) and webhook-signature headers are required."));
            case WebhookVerification.TooOld or WebhookVerification.TooNew:
                return Rejected(sender.Name, "timestamp_out_of_tolerance", Problem(StatusCodes.Status401Unauthorized, "Timestamp outside tolerance",
                    "The webhook-timestamp must lie within five minutes of our clock."));
            default:
                // The reason a secret rotation is watched by (docs/operations.md).
                return Rejected(sender.Name, "bad_signature",
                    Problem(StatusCodes.Status401Unauthorized, "Bad signature", "No signature matches a secret of this integration."));
        }
        var webhookId = request.Headers[WebhookHeaders.Id].ToString();
        if (webhookId.Length > 200)
        {
            return Rejected(sender.Name, "bad_webhook_id",
                Problem(StatusCodes.Status400BadRequest, "Bad webhook-id", "The webhook-id may be at most 200 characters."));
        }
        if (PlatformStatusUpdate.Parse(sender.Name, sender.Platform, webhookId, body) is not { } update
            || !IsPlainValue(update.Update.TicketId) || !IsPlainValue(update.RawStatus))
        {
            return Rejected(sender.Name, "not_a_status_update", Problem(StatusCodes.Status400BadRequest, "Not a status update",
                "The body must be JSON with a type and data.ticketId and data.status strings (at most 200 characters of plain text each)."));
        }
        var outcome = await statusWebhooks.AcceptAsync(update, body, System.Diagnostics.Activity.Current?.Id, cancellationToken);
        switch (outcome)
        {
            case StatusWebhookOutcome.UnknownTicket:
                // Nothing stored: the platform's retry succeeds once our filing of this ticket has committed.
                return Rejected(sender.Name, "unknown_ticket",
                    Problem(StatusCodes.Status409Conflict, "Unknown ticket", "No report filed with this platform carries this ticket id."));
            case StatusWebhookOutcome.Accepted:
                signal.Notify();
                TakedownMetrics.RecordIncomingWebhook(sender.Name, "accepted");
                return TypedResults.Accepted((string?)null, new Acknowledged("accepted"));
            default:
                TakedownMetrics.RecordIncomingWebhook(sender.Name, outcome.ToString().ToLowerInvariant());
                return TypedResults.Ok(new Acknowledged(outcome.ToString().ToLowerInvariant()));
        }
    }

    private static IResult Rejected(string integration, string reason, IResult problem)
    {
        TakedownMetrics.RecordIncomingWebhook(integration, "rejected", reason);
        return problem;
    }

    /// <summary>
    /// A ticket id or status as it goes into the inbox and the report's events: short plain text. PostgreSQL refuses NUL
    /// in text, and a status that could not be stored would fail in the inbox processor instead of here.
    /// </summary>
    private static bool IsPlainValue(string value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 200 && Infrastructure.Input.IsCleanText(value, multiline: false);

    /// <summary>The body, or null when it is larger than <see cref="MaxBodyBytes"/> (chunked bodies have no Content-Length).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(request.ContentLength ?? 4096, MaxBodyBytes) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > MaxBodyBytes)
                {
                    return null;
                }
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer[..length];
            }
            length += read;
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A webhook body may be at most {MaxBodyBytes / 1024} KiB.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
