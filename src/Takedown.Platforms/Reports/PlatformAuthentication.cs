using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>
/// The innermost handler of a platform's client: authenticates every attempt (an API key header or an OAuth2
/// client-credentials bearer token) and logs its status. It sits inside the resilience handler, so a retry carries a
/// current token; the request's <c>Idempotency-Key</c> comes with every attempt's copy of the request.
/// </summary>
public sealed partial class PlatformAuthentication(PlatformOptions platform, OAuthTokenSource tokens, ILogger<PlatformAuthentication> logger)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = platform.Auth;
        switch (auth.Kind)
        {
            case PlatformAuthKind.ApiKey:
                request.Headers.Remove(auth.Header!);
                request.Headers.TryAddWithoutValidation(auth.Header!, auth.Key);
                break;
            case PlatformAuthKind.OAuth2ClientCredentials:
                var token = await tokens.GetTokenAsync(platform, cancellationToken).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
            default:
                break;
        }
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && auth.Kind == PlatformAuthKind.OAuth2ClientCredentials)
        {
            // The platform may have revoked the token early; the next call fetches a fresh one.
            tokens.Invalidate(platform.Name);
        }
        LogAttempt(logger, platform.Name, request.Method.Method, (int)response.StatusCode);
        return response;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Platform {Platform}: {Method} answered {Status}")]
    private static partial void LogAttempt(ILogger logger, string platform, string method, int status);
}
