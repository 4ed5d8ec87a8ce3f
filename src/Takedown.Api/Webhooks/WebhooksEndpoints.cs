using Takedown.Api.Infrastructure;

namespace Takedown.Api.Webhooks;

public static class WebhooksEndpoints
{
    /// <summary>Maps <c>POST /webhooks/{integration}</c> and the subscription API under <paramref name="api"/>.</summary>
    public static WebApplication MapWebhooks(this WebApplication app, ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(api);
        app.MapReceiveWebhook();
        api.MapWebhookSubscriptions();
        return app;
    }
}
