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

/// <summary>The case page tells the victim why the controller's deadline moved.</summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task Case_page_shows_the_controllers_extension_and_the_clock_paused_for_an_identity_check_and_resumed_in_dutch_and_english()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        var requestId = sent.Id;
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        (await victim.GetHtmlAsync(casePath)).ShouldNotContain("class=\"clock\"", Case.Sensitive, "nothing moved the clock yet");

        // As the operator confirms the controller's replies: an extension, then an identity check answered two days later.
        var now = factory.Clock.GetUtcNow();
        var extendedOn = engine.LocalDate(now, "NL");
        var extendedTo = engine.GdprAnswer(sent.ReceivedOn!.Value, true, [], "NL").DueDate;
        foreach (var command in new object[]
        {
            new ClaimExtension(requestId, "Veel verzoeken tegelijk", now),
            new RequestIdentityCheck(requestId, "Een kopie van een identiteitsbewijs", now),
            new AnswerIdentityCheck(requestId, now.AddDays(2)),
        })
        {
            await using var session = store.LightweightSession(new EventMetadata(Actor: "operator:test"));
            await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(command, state, engine));
            await session.SaveChangesAsync();
        }
        var resumedOn = engine.LocalDate(now.AddDays(2), "NL");

        var dutch = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        dutch.ShouldContain($"Verlengd door de organisatie op {LetterDates.Format(extendedOn, "nl")}, tot {LetterDates.Format(extendedTo, "nl")}.");
        dutch.ShouldContain($"Klok stilgezet op {LetterDates.Format(extendedOn, "nl")}: de organisatie vroeg om uw identiteit te controleren.");
        dutch.ShouldContain($"Klok loopt weer sinds {LetterDates.Format(resumedOn, "nl")}: de vraag naar uw identiteit is beantwoord.");
        dutch.ShouldNotContain("Veel verzoeken tegelijk", Case.Sensitive, "the controller's own words are not needed to understand the step");

        (await victim.PostFormAsync(casePath, [new("language", "en"), new("returnTo", casePath)], "/taal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var english = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        english.ShouldContain($"Extended by the organisation on {LetterDates.Format(extendedOn, "en")}, to {LetterDates.Format(extendedTo, "en")}.");
        english.ShouldContain($"Clock paused on {LetterDates.Format(extendedOn, "en")}: the organisation asked to verify your identity.");
        english.ShouldContain($"Clock running again since {LetterDates.Format(resumedOn, "en")}: the question about your identity was answered.");
    }

    [Fact]
    public async Task Case_page_says_the_clock_is_paused_while_the_identity_question_is_open()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        var requestId = sent.Id;
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        var now = factory.Clock.GetUtcNow();
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "operator:test")))
        {
            await session.DecideAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve, state => ErasureRequest.Decide(
                new RequestIdentityCheck(requestId, "Een kopie van een identiteitsbewijs", now), state, engine));
            await session.SaveChangesAsync();
        }

        var html = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));

        html.ShouldContain($"Klok stilgezet sinds {LetterDates.Format(engine.LocalDate(now, "NL"), "nl")}: de organisatie vroeg om uw identiteit te controleren. Zolang die vraag openstaat, telt de termijn niet.");
        html.ShouldNotContain("Klok loopt weer");
        html.ShouldNotContain("Verlengd door de organisatie");
    }

    /// <summary>A victim's takedown whose erasure letter was approved and sent by the worker (its clock runs).</summary>
    private async Task<(PortalClient Victim, string CasePath, ErasureRequest Sent)> SentErasureRequestAsync()
    {
        var email = NewEmail();
        var victim = new PortalClient(factory);
        await victim.SignInAsync(email);
        var casePath = await victim.StartTakedownAsync("Anna de Vries", email);
        var letterPath = await victim.LetterPathAsync(casePath);
        var requestId = Guid.Parse(letterPath[^36..]);
        await victim.ApproveLetterAsync(letterPath);
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var state = ErasureRequest.Initial;
        for (var i = 0; i < 300 && state.Status != ErasureRequestStatus.Sent; i++)
        {
            await Task.Delay(100);
            state = (await store.AggregateStreamAsync(requestId, ErasureRequest.Initial, ErasureRequest.Evolve)).State;
        }
        state.Status.ShouldBe(ErasureRequestStatus.Sent, "the worker sent the letter");
        return (victim, casePath, state);
    }
}
