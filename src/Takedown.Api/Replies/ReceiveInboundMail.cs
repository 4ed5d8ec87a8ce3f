using Microsoft.AspNetCore.Http.Features;
using Takedown.Application.Replies;
using Takedown.Platforms.Webhooks;

namespace Takedown.Api.Replies;

/// <summary>
/// Inbound mail from the mail gateway (the reply addresses' MX forwards each message here as raw RFC 5322,
/// signed as a Standard Webhook with <c>Mail:Inbound:Secrets</c>). Every message is stored; matching and the proposed
/// meaning come from the reply address and the classifier, and an operator confirms.
/// </summary>
public static class ReceiveInboundMailEndpoint
{
    public const long MaxMessageBytes = 10 * 1024 * 1024;

    public sealed record Received(Guid ReplyId, bool Matched, string ProposedMeaning);

    public static IEndpointRouteBuilder MapInboundMail(this IEndpointRouteBuilder app)
    {
        app.MapPost("/inbound/mail", Receive)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .Accepts<byte[]>("message/rfc822");
        return app;
    }

    public static async Task<IResult> Receive(
        HttpContext http, ReplyIntake intake, IConfiguration configuration, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(configuration);
        var secrets = configuration.GetSection("Mail:Inbound:Secrets").Get<string[]>() ?? [];
        if (secrets.Length == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "Inbound mail is not configured.");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxMessageBytes;
        }
        if (http.Request.ContentLength > MaxMessageBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: "A message may be at most 10 MB.");
        }
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        var raw = buffer.ToArray();
        var verification = new WebhookVerifier(time).Verify(http.Request.Headers, raw, [.. secrets.Select(WebhookSecret.Parse)]);
        if (verification != WebhookVerification.Valid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed", detail: $"The signature was not accepted ({verification}).");
        }
        if (raw.Length == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty", detail: "The body must be one raw message.");
        }
        var (replyId, requestId, proposal) = await intake.ReceiveAsync(raw, cancellationToken);
        return TypedResults.Accepted((string?)null, new Received(replyId, requestId is not null, proposal.Meaning.ToString()));
    }
}
