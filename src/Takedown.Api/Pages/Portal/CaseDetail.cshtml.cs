using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Cases;
using Takedown.Api.Portal;
using Takedown.Domain.Letters;
using Takedown.EventStore;
using Takedown.Letters.Composing;

namespace Takedown.Api.Pages.Portal;

public sealed class CaseDetailModel(PortalCases cases, PortalLetters letters, EventStore.EventStore store) : VictimPageModel
{
    private IReadOnlyDictionary<Guid, IReadOnlyList<ClockStep>> _clock = new Dictionary<Guid, IReadOnlyList<ClockStep>>();

    public GetCaseEndpoint.CaseView Case { get; private set; } = null!;

    public IReadOnlyList<ClockStep> ClockOf(Guid requestId) => _clock.TryGetValue(requestId, out var steps) ? steps : [];

    /// <summary>Reminders, cease-and-desist letters and AP dossiers of the case.</summary>
    public IReadOnlyList<CaseLetterRow> Letters { get; private set; } = [];

    public bool Authorised { get; private set; }

    /// <summary>
    /// The reminder waiting for the victim's approval on a request: the latest one, and only while the request still
    /// waits for its answer (an older one, or one for an answered request, can no longer be approved).
    /// </summary>
    public CaseLetterRow? ReminderToApprove(GetCaseEndpoint.RequestSummary request) =>
        request?.Status == "Sent" && Letters.LastOrDefault(l => l.RequestId == request.Id && l.Kind == nameof(LetterKind.DeadlineReminder)) is
        { Status: LetterStatus.Prepared, NeedsApproval: true } reminder
            ? reminder
            : null;

    public async Task<IActionResult> OnGetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (await cases.LoadAsync(VictimId, caseId, cancellationToken) is not { } view)
        {
            return NotFound();
        }
        Case = view;
        _clock = await cases.ClockStepsAsync(view, cancellationToken);
        Letters = await letters.ListAsync(caseId, cancellationToken);
        Authorised = (await store.AggregateStreamAsync(caseId, Domain.Cases.Case.Initial, Domain.Cases.Case.Evolve, cancellationToken: cancellationToken))
            .State.Authorisation is not null;
        return Page();
    }
}
