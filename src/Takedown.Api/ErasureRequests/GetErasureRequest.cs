using Takedown.Application.EventStorage;
using Takedown.Api.Cases;
using Takedown.Api.Infrastructure;
using Takedown.Api.Integrations;
using Takedown.Application.ReadModels;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using Marten;

namespace Takedown.Api.ErasureRequests;

/// <summary>An erasure request with its deadline explained, folded from its stream.</summary>
public static class GetErasureRequestEndpoint
{
    public sealed record DeadlineDetail(string Kind, DateOnly DueDate, DateTimeOffset DueAt, string ExplanationNl, string ExplanationEn)
    {
        public static DeadlineDetail? From(Deadline? deadline) => deadline is null
            ? null
            : new(deadline.Kind, deadline.DueDate, deadline.DueAt, deadline.Explanation.Nl, deadline.Explanation.En);
    }

    public sealed record TimelineEntry(string Event, DateTimeOffset At);

    /// <summary>
    /// The request as stored; <c>ControllerLanguage</c> is the language of the letters to the controller ("nl" or "en");
    /// <c>Kind</c> is Erasure, or Delisting for a request to a search engine to delist results on the victim's name.
    /// <c>Channel</c> is how it reaches the controller: "email" (sent by the service), "post" (a letter the victim sends by
    /// registered post) or "web-form" (the victim pastes the text on the controller's form). <c>DirectoryRecordId</c> and
    /// <c>DirectoryRecordVersion</c> name the controller directory's record it was drafted from, when it was.
    /// </summary>
    public sealed record ErasureRequestView(
        Guid Id, Guid CaseId, string Status, string ControllerName, string ControllerCountry, IReadOnlyList<string> PersonalData,
        IReadOnlyList<string> Urls, DateOnly? ReceivedOn, bool Extended, bool Paused, string? Outcome,
        DeadlineDetail? AnswerDeadline, DeadlineDetail? ExtensionWindow, IReadOnlyList<TimelineEntry> Timeline, string ControllerLanguage,
        ErasureRequestKind Kind, string Channel = "email", string? DirectoryRecordId = null, int? DirectoryRecordVersion = null,
        string? ControllerWebForm = null);

    public static void MapGetErasureRequest(this ApiGroups api) => api.Map(group => group
        .MapGet("/erasure-requests/{id:guid}", Get)
        .RequireAuthorization(Scopes.CasesRead)
        .WithName("GetErasureRequest")
        .WithSummary("An erasure request, its answer deadline and how it was computed")
        .Produces<ErasureRequestView>()
        .ProducesProblem(StatusCodes.Status404NotFound));

    public static async Task<IResult> Get(
        Guid id, HttpContext http, CaseAccess access, IDocumentStore store, DeadlineEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(store);
        if (!await access.CanSeeRequestAsync(http.User, id, RequestKinds.Erasure, cancellationToken))
        {
            return CaseAccess.NotFound();
        }
        var events = await store.FetchStreamAsync(id, cancellationToken: cancellationToken);
        var state = events.Aggregate(ErasureRequest.Initial, (s, e) => ErasureRequest.Evolve(s, e.Data));
        var drafted = events.Select(e => e.Data).OfType<ErasureRequestDrafted>().Single();
        return TypedResults.Ok(new ErasureRequestView(
            state.Id, state.CaseId, state.Status.ToString(), drafted.ControllerName, state.ControllerCountry, drafted.PersonalData,
            drafted.Urls, state.ReceivedOn, state.Extended, state.IsPaused, state.Outcome?.ToString(),
            DeadlineDetail.From(state.AnswerDeadline(engine)), DeadlineDetail.From(state.ExtensionWindow(engine)),
            [.. events.Select(e => new TimelineEntry(e.EventTypeName, e.Timestamp))], state.ControllerLanguage, state.Kind, state.Channel,
            drafted.DirectoryRecordId, drafted.DirectoryRecordVersion, drafted.ControllerWebForm));
    }
}
