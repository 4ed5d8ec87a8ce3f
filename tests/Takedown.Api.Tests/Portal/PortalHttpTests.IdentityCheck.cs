using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Takedown.Application;
using Takedown.Application.Letters;
using Takedown.Domain.Deadlines;
using Takedown.Domain.ErasureRequests;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// The identity-check step (GDPR Art. 12(6)): the victim uploads a masked copy, the service sends it with the signed
/// authorisation to the controller's address only, and the clock runs again from the day the service answered.
/// </summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task An_identity_question_is_answered_through_the_service_with_the_masked_copy_and_the_authorisation_and_the_clock_runs_again()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        var now = factory.Clock.GetUtcNow();
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "operator:test")))
        {
            await session.DecideAsync(sent.Id, ErasureRequest.Initial, ErasureRequest.Evolve,
                state => ErasureRequest.Decide(new RequestIdentityCheck(sent.Id, "Stuur een kopie van uw identiteitsbewijs.", now), state, engine));
            await session.SaveChangesAsync();
        }
        var identityPath = $"{casePath}/identiteit/{sent.Id}";
        (await victim.GetHtmlAsync(casePath)).ShouldContain($"href=\"{identityPath}\"");
        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(identityPath));
        page.ShouldContain("data-testid=\"only-through-us\"");
        page.ShouldContain("data-testid=\"needs-authorisation\"", Shouldly.Case.Sensitive, "the answer goes on the victim's behalf, so it needs the authorisation");
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
        (await UploadAsync(victim, identityPath, png, masked: true)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var letters = factory.Services.GetRequiredService<LetterWorkflow>();
        var (text, sha) = await letters.AuthorisationTextAsync(sent.CaseId, default);
        await using (var session = store.LightweightSession(new EventMetadata(Actor: "victim:test")))
        {
            await session.DecideAsync(sent.CaseId, Takedown.Domain.Cases.Case.Initial, Takedown.Domain.Cases.Case.Evolve, state =>
                Takedown.Domain.Cases.Case.Decide(new Takedown.Domain.Cases.GrantAuthorisation(sent.CaseId, text, sha, "Anna de Vries", now), state));
            await session.SaveChangesAsync();
        }
        (await UploadAsync(victim, identityPath, png, masked: false)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the victim confirms the masking");
        (await UploadAsync(victim, identityPath, Encoding.UTF8.GetBytes("<html>not an image</html>"), masked: true)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var answered = await UploadAsync(victim, identityPath, png, masked: true);

        answered.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        answered.Headers.Location!.ToString().ShouldBe(casePath);
        var reference = (await store.AggregateStreamAsync(sent.CaseId, Takedown.Domain.Cases.Case.Initial, Takedown.Domain.Cases.Case.Evolve)).State.Reference;
        MimeMessage? mail = null;
        for (var i = 0; i < 300 && mail is null; i++)
        {
            await Task.Delay(100);
            mail = factory.Smtp.Received()
                .Select(m => MimeMessage.Load(new MemoryStream(m.Raw)))
                .FirstOrDefault(m => (m.Subject ?? "").Contains(reference, StringComparison.Ordinal) && m.Attachments.OfType<MimePart>().Any(p => p.FileName == "identiteitsbewijs-afgeschermd.png"));
        }
        mail.ShouldNotBeNull("the worker sent the answer");
        mail.To.Mailboxes.Select(m => m.Address).ShouldBe(["privacy@forum.example"], "only to the controller's address on the request");
        var copy = mail.Attachments.OfType<MimePart>().Single();
        copy.FileName.ShouldBe("identiteitsbewijs-afgeschermd.png");
        using (var bytes = new MemoryStream())
        {
            copy.Content!.DecodeTo(bytes);
            bytes.ToArray().ShouldBe(png);
        }
        mail.TextBody!.ShouldContain("artikel 12, zesde lid, AVG");
        mail.TextBody!.ShouldContain("Ik, Anna de Vries, machtig Takedown");

        // The clock stood still from the question and runs again from the day the service answered (Art. 12(6) with 12(3)).
        var request = (await store.AggregateStreamAsync(sent.Id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;
        for (var i = 0; i < 50 && request.IsPaused; i++)
        {
            await Task.Delay(100);
            request = (await store.AggregateStreamAsync(sent.Id, ErasureRequest.Initial, ErasureRequest.Evolve)).State;
        }
        request.IsPaused.ShouldBeFalse();
        var resumed = (await store.FetchStreamAsync(sent.Id)).Select(e => e.Data).OfType<IdentityCheckAnswered>().Single();
        resumed.ResumedOn.ShouldBe(engine.LocalDate(factory.Clock.GetUtcNow(), "NL"));
        (await victim.Http.GetAsync(identityPath)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "no question is open any more");
    }

    private static async Task<HttpResponseMessage> UploadAsync(PortalClient victim, string path, byte[] file, bool masked)
    {
        var html = await victim.GetHtmlAsync(path);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(PortalClient.Token(html)), "__RequestVerificationToken" },
            { new StringContent(masked ? "true" : "false"), "Masked" },
            { new ByteArrayContent(file), "Copy", "IMG_2041.png" },
        };
        return await victim.Http.PostAsync(path, form);
    }
}
