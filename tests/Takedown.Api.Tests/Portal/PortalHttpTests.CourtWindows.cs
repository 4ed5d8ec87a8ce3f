using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Application;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;

namespace Takedown.Api.Tests.Portal;

/// <summary>The clocks a victim must meet after a refusal (UAVG art. 35) and for a stalking complaint (Sr art. 66).</summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task After_a_refusal_the_case_page_shows_the_six_weeks_to_petition_the_court_under_UAVG_art_35()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        (await victim.GetHtmlAsync(casePath)).ShouldNotContain("data-testid=\"court-window\"", Case.Sensitive, "no answer yet, and the month still runs");
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        var now = factory.Clock.GetUtcNow();
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "operator:test")))
        {
            await session.DecideAsync(sent.Id, ErasureRequest.Initial, ErasureRequest.Evolve,
                state => ErasureRequest.Decide(new RecordErasureAnswer(sent.Id, ErasureOutcome.Refused, "Journalistiek", now), state, engine));
            await session.SaveChangesAsync();
        }
        var due = engine.LocalDate(now, "NL").AddDays(42);

        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));

        page.ShouldContain("data-testid=\"court-window\"");
        page.ShouldContain($"Naar de rechter: uiterlijk {LetterDates.Format(due, "nl")}");
        page.ShouldContain("UAVG art. 35");
        page.ShouldContain("Juridisch Loket");
    }

    [Fact]
    public async Task The_steps_page_walks_the_ladder_from_the_stop_letter_to_a_contact_ban_with_the_diary_dossier_and_legal_aid()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        (await victim.GetHtmlAsync(casePath)).ShouldContain($"href=\"{casePath}/stappen\"");

        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath + "/stappen"));

        System.Text.RegularExpressions.Regex.Count(page, "data-testid=\"step\"").ShouldBe(4);
        foreach (var phrase in new[] { "stopgesprek", "verzoek tot vervolging (art. 164 Sv)", "voegingsformulier", "art. 509hh Sv", "art. 6:162 BW", "art. 611a Rv", "Juridisch Loket" })
        {
            page.ShouldContain(phrase, Case.Insensitive);
        }
        page.ShouldContain($"href=\"{casePath}/dagboek/pdf\"");
        page.ShouldContain($"href=\"{casePath}/brieven/nieuw\"");
    }

    [Fact]
    public async Task The_diary_shows_the_stalking_complaint_window_from_the_earliest_incident_with_the_request_to_prosecute()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        (await victim.GetHtmlAsync(casePath + "/dagboek")).ShouldNotContain("stalking-complaint-window", Case.Sensitive, "an empty diary has no incident to count from");
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        await victim.AddDiaryEntryAsync(casePath, today.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "Bij de voordeur", "Hij belde aan.", "");
        await victim.AddDiaryEntryAsync(casePath, today.AddDays(-20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "Op straat", "Hij volgde mij.", "");
        var due = DeadlineEngine.Default.StalkingComplaint(today.AddDays(-20)).DueDate;

        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath + "/dagboek"));

        page.ShouldContain("data-testid=\"stalking-complaint-window\"");
        page.ShouldContain($"Aangifte met verzoek tot vervolging (art. 164 Sv): uiterlijk {LetterDates.Format(due, "nl")}");
        page.ShouldContain("Sr art. 66");
    }
}
