using System.Security.Cryptography;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Domain.Cases;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Cases;

/// <summary>Opens a victim's case: the first event of a new case stream.</summary>
public static class OpenCaseEndpoint
{
    /// <param name="VictimName">The victim's name as the controllers know it: erasure requests need it to find the data.</param>
    /// <param name="VictimEmail">Where the victim's notices go (request sent, answered, deadline missed).</param>
    /// <param name="Language">The victim's language for letters and notices: "nl" (default) or "en".</param>
    /// <param name="EscalationMode">What happens when a controller misses its deadline: OperatorReview (default) or Automatic.</param>
    public sealed record OpenCaseRequest(string? VictimName, string? VictimEmail, string? Language, EscalationMode? EscalationMode);

    public sealed record CaseOpenedResponse(Guid Id, string Reference);

    public static void MapOpenCase(this ApiGroups api) => api.Map(group => group
        .MapPost("/cases", OpenCase)
        .RequireAuthorization(Scopes.CasesWrite)
        .WithName("OpenCase")
        .WithSummary("Open a case on a victim's behalf")
        .Produces<CaseOpenedResponse>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity));

    public static async Task<IResult> OpenCase(
        OpenCaseRequest request, HttpContext http, IDocumentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        var input = new Input()
            .Text(request.VictimName, "victimName")
            .Email(request.VictimEmail, "victimEmail")
            .Require(request.Language is null or "nl" or "en", "language", "Use \"nl\" or \"en\".")
            .Require(request.EscalationMode is null || Enum.IsDefined(request.EscalationMode.Value), "escalationMode", "Use OperatorReview or Automatic.");
        var key = Idempotency.Read(http, input);
        input.ThrowIfAny();
        var now = time.GetUtcNow();
        var id = key is null ? Guid.CreateVersion7(now) : Idempotency.ResourceId(http.User.Actor(), "OpenCase", Guid.Empty, key);
        return await Idempotency.CreateOnceAsync(key, () => ReplayAsync(id, request, http, store, cancellationToken), async () =>
        {
            var reference = NewReference();
            var opened = Case.Decide(
                new Domain.Cases.OpenCase(id, reference, request.Language ?? "nl", request.EscalationMode ?? EscalationMode.OperatorReview, now),
                Case.Initial);
            var details = Case.Decide(
                new RecordVictimDetails(id, request.VictimName!.Trim(), request.VictimEmail!.Trim(), now), opened.Aggregate(Case.Initial, Case.Evolve));
            await using var session = store.LightweightSession(new EventMetadata(http.TraceIdentifier, null, http.User.Actor()));
            session.Events.StartStream(id, [.. opened, .. details]);
            await session.SaveChangesAsync(cancellationToken);
            return TypedResults.Created($"/api/v1/cases/{id}", new CaseOpenedResponse(id, reference));
        });
    }

    /// <summary>The first call's answer when a case with this id exists: the same when it was opened with this body.</summary>
    private static async Task<IResult?> ReplayAsync(
        Guid id, OpenCaseRequest request, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        // Up to the victim's details as first recorded: later changes to the case do not make a retry a different call.
        var (state, version) = await store.AggregateStreamAsync(id, Case.Initial, Case.Evolve, version: 2, cancellationToken: cancellationToken);
        if (version == 0)
        {
            return null;
        }
        var same = state.Language == (request.Language ?? "nl")
            && state.EscalationMode == (request.EscalationMode ?? EscalationMode.OperatorReview)
            && state.VictimName == request.VictimName!.Trim()
            && state.VictimEmail == request.VictimEmail!.Trim();
        return same ? Idempotency.Replayed(http, $"/api/v1/cases/{id}", new CaseOpenedResponse(id, state.Reference)) : Idempotency.Mismatch();
    }

    /// <summary>A short reference a victim can read out on the phone: no personal data, not guessable.</summary>
    private static string NewReference()
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        return "TD-" + string.Create(8, alphabet, (span, letters) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = letters[RandomNumberGenerator.GetInt32(letters.Length)];
            }
        });
    }
}
