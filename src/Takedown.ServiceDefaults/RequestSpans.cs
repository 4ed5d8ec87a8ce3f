using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Takedown.ServiceDefaults;

/// <summary>
/// Names ASP.NET Core's request span after its route (<c>POST /api/v1/erasure-requests/{id:guid}/approve</c>) and
/// adds the HTTP semantic-convention tags, which the built-in "Microsoft.AspNetCore" source leaves to an
/// instrumentation package. The route template, not the path: a path may carry a token or a name; a template never does.
/// </summary>
internal sealed class RequestSpans : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                Describe(context);
            }
        });
        next(app);
    };

    private static void Describe(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity is not { IsAllDataRequested: true } activity)
        {
            return;
        }
        var method = context.Request.Method;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null && !route.StartsWith('/'))
        {
            route = "/" + route;
        }
        activity.DisplayName = route is null ? method : $"{method} {route}";
        activity.SetTag("http.request.method", method);
        activity.SetTag("http.route", route);
        activity.SetTag("http.response.status_code", context.Response.StatusCode);
        activity.SetTag("url.scheme", context.Request.Scheme);
        if (context.Response.StatusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
