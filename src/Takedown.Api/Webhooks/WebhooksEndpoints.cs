using Takedown.Api.Infrastructure;

namespace Takedown.Api.Webhooks;

public static class WebhooksEndpoints
{
    /// <summary>Maps <c>POST /webhooks/{integration}</c>, the subscription API under <paramref name="api"/> and, for benchmarks only, the baseline.</summary>
    public static WebApplication MapWebhooks(this WebApplication app, ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(api);
        app.MapReceiveWebhook();
        api.MapWebhookSubscriptions();
        if (app.Configuration.GetValue<bool>("Benchmarks:Enabled"))
        {
            app.MapWebhookBenchmarkBaseline();
        }
        return app;
    }
}
