using System.Net;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.Webhooks;

namespace Takedown.Api.Webhooks;

/// <summary>
/// <c>/api/v1/webhook-subscriptions</c>: an integration subscribes a URL to request status changes of its own
/// cases. The signing secret is returned once, when the subscription is made.
/// </summary>
public static class WebhookSubscriptionsEndpoints
{
    /// <param name="Url">Where deliveries go: https (http only to this machine, in development and tests).</param>
    /// <param name="EventTypes">The event types wanted; empty or absent: all of them.</param>
    public sealed record CreateSubscriptionRequest(string? Url, IReadOnlyList<string>? EventTypes);

    public sealed record SubscriptionView(
        Guid Id, string Url, IReadOnlyList<string> EventTypes, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt,
        int ConsecutiveFailures)
    {
        public static SubscriptionView From(WebhookSubscription s) => new(
            s.Id, s.Url.AbsoluteUri, s.EventTypes, s.DisabledAt is null ? "active" : "disabled", s.CreatedAt, s.DisabledAt, s.ConsecutiveFailures);
    }

    /// <param name="Id">The subscription's id.</param>
    /// <param name="Url">Where deliveries go.</param>
    /// <param name="EventTypes">The event types delivered; empty: all.</param>
    /// <param name="Secret">The <c>whsec_</c> secret deliveries are signed with. Shown only in this answer.</param>
    /// <param name="CreatedAt">When the subscription was made.</param>
    public sealed record SubscriptionCreated(Guid Id, string Url, IReadOnlyList<string> EventTypes, string Secret, DateTimeOffset CreatedAt);

    public static void MapWebhookSubscriptions(this ApiGroups api) => api.Map(group =>
    {
        var subscriptions = group.MapGroup("/webhook-subscriptions").RequireAuthorization(Scopes.WebhooksManage);
        subscriptions.MapPost("", Create)
            .WithName("CreateWebhookSubscription")
            .WithSummary("Subscribe a URL to request status changes; the secret is returned once")
            .Produces<SubscriptionCreated>(StatusCodes.Status201Created);
        subscriptions.MapGet("", List)
            .WithName("ListWebhookSubscriptions")
            .WithSummary("This integration's webhook subscriptions")
            .Produces<IReadOnlyList<SubscriptionView>>();
        subscriptions.MapGet("/{id:guid}/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The delivery log of a subscription, newest first")
            .Produces<IReadOnlyList<WebhookDeliveryAttempt>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        subscriptions.MapPost("/{id:guid}/enable", Enable)
            .WithName("EnableWebhookSubscription")
            .WithSummary("Turn a subscription disabled after failing deliveries back on")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        subscriptions.MapDelete("/{id:guid}", Delete)
            .WithName("DeleteWebhookSubscription")
            .WithSummary("Remove a subscription and its delivery log")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    });

    public static async Task<IResult> Create(
        CreateSubscriptionRequest request, HttpContext http, WebhookSubscriptions subscriptions, IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(environment);
        var eventTypes = request.EventTypes ?? [];
        var url = Uri.TryCreate(request.Url, UriKind.Absolute, out var parsed) ? parsed : null;
        new Input()
            .Text(request.Url, "url", 2000)
            .Require(url is null || IsAllowed(url, environment), "url",
                "Use an https:// address (http:// only to this machine, in development and tests), without user name or password.")
            .Require(eventTypes.Count <= OutgoingWebhookEvents.All.Count, "eventTypes", "Too many event types.")
            .Require(eventTypes.All(t => OutgoingWebhookEvents.All.Contains(t)), "eventTypes",
                $"Use any of: {string.Join(", ", OutgoingWebhookEvents.All)}.")
            .Require(url is not null || request.Url is null, "url", "Not an absolute URL.")
            .ThrowIfAny();
        var (subscription, secret) = await subscriptions.CreateAsync(http.User.Actor(), url!, eventTypes, cancellationToken);
        return TypedResults.Created(
            $"/api/v1/webhook-subscriptions/{subscription.Id}",
            new SubscriptionCreated(subscription.Id, subscription.Url.AbsoluteUri, subscription.EventTypes, secret, subscription.CreatedAt));
    }

    public static async Task<IResult> List(HttpContext http, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        var list = await subscriptions.ListAsync(http.User.Actor(), cancellationToken);
        return TypedResults.Ok(list.Select(SubscriptionView.From).ToList());
    }

    public static async Task<IResult> Deliveries(Guid id, HttpContext http, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        return await subscriptions.DeliveriesAsync(http.User.Actor(), id, 100, cancellationToken) is { } log
            ? TypedResults.Ok(log)
            : NotFound();
    }

    public static async Task<IResult> Enable(Guid id, HttpContext http, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        return await subscriptions.EnableAsync(http.User.Actor(), id, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    public static async Task<IResult> Delete(Guid id, HttpContext http, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        return await subscriptions.DeleteAsync(http.User.Actor(), id, cancellationToken) ? TypedResults.NoContent() : NotFound();
    }

    /// <summary>https anywhere; plain http only to a loopback address, and only in development and tests.</summary>
    public static bool IsAllowed(Uri url, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(url.UserInfo) || string.IsNullOrEmpty(url.Host))
        {
            return false;
        }
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }
        return url.Scheme == Uri.UriSchemeHttp
            && (environment.IsDevelopment() || environment.IsEnvironment("Testing"))
            && (url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address)));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() =>
        TypedResults.Problem("No webhook subscription of yours has this id.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
