using System.Security.Claims;
using Npgsql;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Cases;

/// <summary>
/// Whether the current principal may see a case: only its owner (the victim, or the integration that opened it on
/// the victim's behalf). Anything else, including a case that does not exist, is the same 404: guessing ids tells
/// nothing.
/// </summary>
public sealed class CaseAccess(NpgsqlDataSource dataSource, DatabaseOptions options)
{
    public async Task<bool> CanSeeAsync(ClaimsPrincipal user, Guid caseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT owner FROM {options.Schema}.case_overview WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        return await command.ExecuteScalarAsync(cancellationToken) is string owner && owner == user.Actor();
    }

    /// <summary>
    /// The case a request of <paramref name="kind"/> (<see cref="RequestKinds"/>) belongs to, from the read model (null:
    /// no such request). The kind matters: a platform report's id read as an erasure request would be a stream of the
    /// wrong shape, so it is the same 404 as an id that does not exist.
    /// </summary>
    public async Task<Guid?> CaseOfRequestAsync(Guid requestId, string kind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT case_id FROM {options.Schema}.request_overview WHERE id = $1 AND kind = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    public async Task<bool> CanSeeRequestAsync(ClaimsPrincipal user, Guid requestId, string kind, CancellationToken cancellationToken) =>
        await CaseOfRequestAsync(requestId, kind, cancellationToken) is { } caseId && await CanSeeAsync(user, caseId, cancellationToken);

    /// <summary>Whether the principal may add a request to the case: theirs, and still open (a closed case refuses with a reason).</summary>
    public async Task<bool> CanAddRequestAsync(ClaimsPrincipal user, Guid caseId, IDocumentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!await CanSeeAsync(user, caseId, cancellationToken))
        {
            return false;
        }
        var (state, _) = await store.AggregateStreamAsync(caseId, Domain.Cases.Case.Initial, Domain.Cases.Case.Evolve, cancellationToken: cancellationToken);
        state.EnsureAcceptsNewRequests();
        return true;
    }

    public static IResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "There is no such case or request for you.");
}
