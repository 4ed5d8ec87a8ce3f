using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Infrastructure;

/// <summary>
/// The <c>Idempotency-Key</c> request header on the partner API's calls that create something (a case, an erasure
/// request, a platform report), after the IETF's draft <c>draft-ietf-httpapi-idempotency-key-header</c>. A partner whose
/// call timed out cannot know whether it took effect; sending it again with the same key creates nothing new and answers
/// as the first call did (with <c>Idempotent-Replayed: true</c>), so a retry never sends a controller a second letter.
/// </summary>
/// <remarks>
/// No table remembers the keys: the key decides the new resource's id (<see cref="ResourceId"/>), and the event store
/// lets only one call start a stream with that id. A replay compares its body with what the first call stored and is
/// refused (422) when they differ, so a key reused by mistake for another resource is noticed instead of answered with
/// the wrong one. Nothing about the key outlives the resource: erasing the case leaves nothing to compare.
/// </remarks>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 255;

    public const string Description =
        "Optional. A key of your choice (a UUID, say; 1 to 255 visible ASCII characters) that makes the call safe to retry: " +
        "the same integration sending the same key to the same address again gets the first call's answer " +
        "(with the header Idempotent-Replayed: true) and nothing new is created. The same key with a different body is " +
        "refused with 422. Use a new key for every new resource.";

    /// <summary>The key the request carries, or null; a malformed key is reported on <paramref name="input"/>.</summary>
    public static string? Read(HttpContext http, Input input)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(input);
        var values = http.Request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }
        var key = values.Count == 1 ? values[0] : null;
        var ok = key is { Length: > 0 and <= MaxLength } && key.All(c => c is >= '!' and <= '~');
        input.Require(ok, Header, $"Send one key of 1 to {MaxLength} visible ASCII characters (a UUID, say).");
        return ok ? key : null;
    }

    /// <summary>
    /// The id of the resource a key creates: the same integration, operation, parent and key always give the same id
    /// (a UUID of version 8 from SHA-256), and any other combination another.
    /// </summary>
    public static Guid ResourceId(string actor, string operation, Guid parent, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"takedown-idempotency\n{actor}\n{operation}\n{parent:N}\n{key}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>
    /// Creates a resource once per key. Without a key it is <paramref name="create"/>. With one, the first call's answer
    /// comes back when the resource exists (<paramref name="replay"/>, null when it does not); otherwise it is created,
    /// and when a concurrent call with the same key committed first (a version conflict on the new stream, or
    /// <paramref name="create"/> returning null because deciding again changed nothing) that call's answer is given.
    /// </summary>
    public static async Task<IResult> CreateOnceAsync(string? key, Func<Task<IResult?>> replay, Func<Task<IResult?>> create)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(create);
        if (key is not null && await replay() is { } replayed)
        {
            return replayed;
        }
        try
        {
            return await create() ?? await replay() ?? throw Lost();
        }
        catch (Exception conflict) when (MartenSetup.IsConcurrencyConflict(conflict) && key is not null)
        {
            return await replay() ?? throw Lost();
        }

        static InvalidOperationException Lost() => new("The resource another call with this key created is not there.");
    }

    /// <summary>The first call's answer again.</summary>
    public static IResult Replayed<T>(HttpContext http, string location, T body)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers[ReplayedHeader] = "true";
        return TypedResults.Created(location, body);
    }

    /// <summary>The key was used before for a call with another body.</summary>
    public static IResult Mismatch() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key used for another request",
        detail: "This Idempotency-Key was sent before with a different body. Nothing was created: use a new key for a new resource.");
}
