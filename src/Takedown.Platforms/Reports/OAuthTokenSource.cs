using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Takedown.Platforms.Registry;

namespace Takedown.Platforms.Reports;

/// <summary>
/// Access tokens from an OAuth2 client-credentials grant (RFC 6749 §4.4), one cache per platform, reused until
/// shortly before they expire. Concurrent callers share one token request.
/// </summary>
public sealed class OAuthTokenSource(IHttpClientFactory httpClients, TimeProvider time)
{
    /// <summary>The named client used for token requests.</summary>
    public const string HttpClientName = "takedown-oauth";

    /// <summary>A token is renewed this long before it expires, so it does not expire on its way to the platform.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _entriesLock = new();

    /// <summary>A valid access token for the platform, fetched only when the cached one is (nearly) expired.</summary>
    public async Task<string> GetTokenAsync(PlatformOptions platform, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(platform);
        Entry entry;
        lock (_entriesLock)
        {
            if (!_entries.TryGetValue(platform.Name, out entry!))
            {
                entry = new Entry();
                _entries[platform.Name] = entry;
            }
        }
        if (entry.Token is { } cached && time.GetUtcNow() < entry.RenewAt)
        {
            return cached;
        }
        await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (entry.Token is { } fresh && time.GetUtcNow() < entry.RenewAt)
            {
                return fresh;
            }
            var (token, lifetime) = await RequestTokenAsync(platform, ct).ConfigureAwait(false);
            entry.RenewAt = time.GetUtcNow() + lifetime - RenewBefore;
            entry.Token = token;
            return token;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Forgets the platform's token, e.g. after the platform answered 401 to it.</summary>
    public void Invalidate(string platform)
    {
        lock (_entriesLock)
        {
            if (_entries.TryGetValue(platform, out var entry))
            {
                entry.Token = null;
            }
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestTokenAsync(PlatformOptions platform, CancellationToken ct)
    {
        var auth = platform.Auth;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = auth.ClientId!,
            ["client_secret"] = auth.ClientSecret!,
        };
        if (!string.IsNullOrWhiteSpace(auth.Scope))
        {
            form["scope"] = auth.Scope;
        }
        var client = httpClients.CreateClient(HttpClientName);
        using var content = new FormUrlEncodedContent(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, auth.TokenUrl) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PlatformRequestException(platform.Name, PlatformFailure.Transient, null, "the token endpoint could not be reached.", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var failure = (int)response.StatusCode >= 500 || (int)response.StatusCode is 408 or 429
                    ? PlatformFailure.Transient
                    : PlatformFailure.Permanent;
                throw new PlatformRequestException(platform.Name, failure, response.StatusCode, $"the token endpoint answered {(int)response.StatusCode}.");
            }
            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(ct).ConfigureAwait(false);
            if (body is null || string.IsNullOrEmpty(body.AccessToken))
            {
                throw new PlatformRequestException(platform.Name, PlatformFailure.Permanent, response.StatusCode, "the token endpoint sent no access token.");
            }
            // Without expires_in the token is used for a minute only; a shorter lifetime than the renewal margin
            // would mean a token request before every call, so the margin is never more than half the lifetime.
            var lifetime = TimeSpan.FromSeconds(body.ExpiresIn is > 0 ? body.ExpiresIn.Value : 60);
            if (lifetime < RenewBefore * 2)
            {
                lifetime = RenewBefore + lifetime / 2;
            }
            return (body.AccessToken, lifetime);
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Token { get; set; }

        public DateTimeOffset RenewAt { get; set; }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
