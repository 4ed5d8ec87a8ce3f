using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ControllerDirectory;

namespace Takedown.Api.ControllerDirectory;

/// <summary>
/// The controller directory for partners: search it for the organisation that holds the data, then name the record's id
/// on the draft erasure request (<c>directoryRecordId</c>); and the data protection authorities, for victims outside
/// the Netherlands.
/// </summary>
public static class SearchControllersEndpoint
{
    /// <param name="Items">The matching records, best first.</param>
    public sealed record ControllerSearchResult(IReadOnlyList<DirectoryEntry> Items);

    /// <param name="Items">Every data protection authority in the directory.</param>
    public sealed record AuthorityList(IReadOnlyList<DirectoryEntry> Items);

    public static void MapControllerDirectory(this ApiGroups api) => api.Map(group =>
    {
        group.MapGet("/controllers", Search)
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("SearchControllers")
            .WithSummary("Search the controller directory by name, brand, web domain or e-mail domain, tolerant of typos")
            .Produces<ControllerSearchResult>();
        group.MapGet("/controllers/{id}", Get)
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("GetController")
            .WithSummary("One record of the controller directory")
            .Produces<DirectoryEntry>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/supervisory-authorities", Authorities)
            .RequireAuthorization(Scopes.CasesRead)
            .WithName("ListSupervisoryAuthorities")
            .WithSummary("The data protection authorities in the directory, with their complaint web forms and languages")
            .Produces<AuthorityList>();
    });

    /// <param name="q">What the victim knows: a name ("facebok" finds Meta Platforms Ireland Limited), a brand, a web domain or an e-mail domain.</param>
    /// <param name="limit">How many records at most (1 to 25; 10 when left out).</param>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static async Task<IResult> Search(string? q, int? limit, DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        new Input()
            .Text(q, "q")
            .Require(limit is null or >= 1 and <= DirectoryRecords.MaxResults, "limit", $"Use 1 to {DirectoryRecords.MaxResults}, or leave it out.")
            .ThrowIfAny();
        return TypedResults.Ok(new ControllerSearchResult(await directory.SearchAsync(q, limit: limit ?? 10, cancellationToken: cancellationToken)));
    }

    /// <param name="id">The record's id (its slug, such as "facebook").</param>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<IResult> Get(string id, DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return await directory.GetAsync(DirectoryKind.Company, id, cancellationToken) is { } entry
            ? TypedResults.Ok(entry)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> Authorities(DirectoryRecords directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return TypedResults.Ok(new AuthorityList(await directory.AuthoritiesAsync(cancellationToken)));
    }
}
