using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Application.ControllerDirectory;
using Takedown.Application.Letters;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.Deadlines;
using Takedown.Domain.Letters;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Letters.Composing;

namespace Takedown.Api.Tests.Portal;

/// <summary>
/// The AP complaint in the portal: prepared, never lodged by itself (GDPR Art. 77); the victim lodges it on the AP's form
/// or by post and records the AP's confirmation, from whose day the AP's three months run (Art. 78(2)).
/// </summary>
public sealed partial class PortalHttpTests
{
    [Fact]
    public async Task The_victim_lodges_the_prepared_complaint_on_the_APs_form_and_it_counts_only_from_the_APs_confirmation()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        var store = factory.Services.GetRequiredService<IDocumentStore>();
        var engine = factory.Services.GetRequiredService<DeadlineEngine>();
        var complaintId = await RefusedAndEscalatedAsync(sent.Id);
        var complaintPath = $"{casePath}/ap-klacht/{complaintId}";

        var casePage = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        casePage.ShouldContain($"href=\"{complaintPath}\"");
        casePage.ShouldContain("Voorbereid, nog niet ingediend.");
        casePage.ShouldNotContain("Klacht ingediend");
        var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(complaintPath));
        page.ShouldContain("data-testid=\"not-lodged\"");
        page.ShouldContain("kan uw gegevens gebruiken tegenover de organisatie");
        page.ShouldContain("data-testid=\"awaiting-review\"", Shouldly.Case.Sensitive, "under operator review the text is checked first");
        page.ShouldNotContain("data-testid=\"text-to-paste\"");

        await SetEscalationModeAsync(sent.CaseId, EscalationMode.Automatic);
        page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(complaintPath));
        // The AP's form as the controller directory's record of the AP (nlap) has it, as the dossier and the operators' page use it.
        var ap = await factory.Services.GetRequiredService<DirectoryRecords>().ApContactAsync();
        ap.RecordVersion.ShouldNotBeNull();
        page.ShouldContain($"href=\"{ap.WebForm}\"");
        page.ShouldContain("data-testid=\"text-to-paste\"");
        page.ShouldContain("Klacht op grond van artikel 77 AVG");
        page.ShouldContain("Postbus 93374");

        // Another victim cannot see it, even with the id.
        var other = new PortalClient(factory);
        await other.SignInAsync(NewEmail());
        (await other.Http.GetAsync(complaintPath)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The victim asks the AP to keep the address from the controller: the text to paste and the dossier say so.
        (await victim.PostFormAsync(complaintPath, [new("keep", "true")], complaintPath + "?handler=Shielding")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(complaintPath));
        page.ShouldContain("data-testid=\"shielding-on\"");
        page.ShouldContain(ApComplaint.AddressShieldingRequestNl);
        var complaint = (await store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve)).State;
        var dossier = (await factory.Services.GetRequiredService<LetterWorkflow>().LoadAsync(complaint.Dossier.ShouldNotBeNull().LetterId, default))!;
        complaint.Dossier.Current.ShouldBeTrue();
        dossier.PlainText.ShouldContain(ApComplaint.AddressShieldingRequestNl);

        // Recording it needs the AP's reference and a day that has come; nothing is recorded otherwise.
        var today = engine.LocalDate(factory.Clock.GetUtcNow(), DeadlineEngine.VictimCountry);
        var future = await victim.PostFormAsync(complaintPath,
            [new("ApReference", "2026-012345"), new("LodgedOn", Day(today.AddDays(1))), new("Channel", LetterChannels.WebForm)], complaintPath + "?handler=Lodged");
        future.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync()).ShouldContain("Die datum ligt in de toekomst");
        var blank = await victim.PostFormAsync(complaintPath,
            [new("ApReference", " "), new("LodgedOn", Day(today)), new("Channel", LetterChannels.WebForm)], complaintPath + "?handler=Lodged");
        blank.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var byMail = await victim.PostFormAsync(complaintPath,
            [new("ApReference", "2026-012345"), new("LodgedOn", Day(today)), new("Channel", LetterChannels.Email)], complaintPath + "?handler=Lodged");
        byMail.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await store.FetchStreamAsync(complaintId)).ShouldNotContain(e => e.Data is ApComplaintLodged);

        var receivedOn = today.AddDays(-2);
        (await victim.PostFormAsync(complaintPath,
            [new("ApReference", "2026-012345"), new("LodgedOn", Day(receivedOn)), new("Channel", LetterChannels.WebForm)], complaintPath + "?handler=Lodged"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var lodged = (await store.FetchStreamAsync(complaintId)).Single(e => e.Data is ApComplaintLodged);
        lodged.Actor().ShouldStartWith("victim:");
        lodged.As<ApComplaintLodged>()!.ShouldBe(lodged.As<ApComplaintLodged>()! with
        {
            ApReference = "2026-012345", LodgedOn = receivedOn, LodgedBy = ApLodger.Victim, Channel = LetterChannels.WebForm, DossierSha256 = null,
        });
        var due = engine.ApProgress(receivedOn).DueDate;
        page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(complaintPath));
        page.ShouldContain("data-testid=\"complaint-lodged\"");
        page.ShouldContain($"De AP moet u uiterlijk {LetterDates.Format(due, "nl")}");
        casePage = WebUtility.HtmlDecode(await victim.GetHtmlAsync(casePath));
        casePage.ShouldContain($"Ontvangen door de AP op {LetterDates.Format(receivedOn, "nl")}");
        casePage.ShouldContain($"De AP moet laten weten hoe het met de klacht staat vóór {LetterDates.Format(due, "nl")}");
    }

    [Fact]
    public async Task The_victim_makes_the_complaint_a_letter_for_the_post_with_their_address_to_the_APs_post_office_box()
    {
        var (victim, casePath, sent) = await SentErasureRequestAsync();
        var complaintId = await RefusedAndEscalatedAsync(sent.Id);
        await SetEscalationModeAsync(sent.CaseId, EscalationMode.Automatic);
        var complaintPath = $"{casePath}/ap-klacht/{complaintId}";

        var tooLong = await victim.PostFormAsync(complaintPath, [new("Address", "1\n2\n3\n4\n5")], complaintPath + "?handler=Post");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var made = await victim.PostFormAsync(complaintPath, [new("Address", "Dorpsstraat 1\r\n1234 AB Ergenshuizen\r\n")], complaintPath + "?handler=Post");

        made.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var letterId = Guid.Parse(made.Headers.Location!.ToString()[^36..]);
        var letter = (await factory.Services.GetRequiredService<LetterWorkflow>().LoadAsync(letterId, default)).ShouldNotBeNull();
        letter.Channel.ShouldBe(LetterChannels.Post);
        letter.PostalAddress.ShouldBe(["Postbus 93374", "2509 AJ DEN HAAG"], "the directory's record of the AP (nlap), without its country line");
        letter.PlainText.ShouldContain("Klager (betrokkene)");
        letter.PlainText.ShouldContain("Anna de Vries\nDorpsstraat 1\n1234 AB Ergenshuizen\n");
        letter.PlainText.ShouldContain("Postbus 93374");
        var complaint = (await factory.Services.GetRequiredService<IDocumentStore>().AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve)).State;
        complaint.Dossier!.LetterId.ShouldBe(letterId);
        complaint.Status.ShouldBe(ApComplaintStatus.Prepared, "printing the letter lodges nothing");
        (await victim.Http.GetAsync(made.Headers.Location)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_letter_to_the_AP_follows_an_operators_correction_of_the_APs_directory_record()
    {
        var directory = factory.Services.GetRequiredService<DirectoryRecords>();
        var record = (await directory.RecordAsync(DirectoryKind.Authority, ApContact.RecordId)).ShouldNotBeNull();
        record["address"] = "Postbus 11111\n2500 AA Den Haag\nNederland";
        record["webform"] = "https://autoriteitpersoonsgegevens.nl/klacht-corrected";
        await directory.SaveOwnAsync(DirectoryKind.Authority, ApContact.RecordId, record, "operator:test", "the AP moved");
        try
        {
            var (victim, casePath, sent) = await SentErasureRequestAsync();
            var complaintId = await RefusedAndEscalatedAsync(sent.Id);
            await SetEscalationModeAsync(sent.CaseId, EscalationMode.Automatic);
            var complaintPath = $"{casePath}/ap-klacht/{complaintId}";

            var page = WebUtility.HtmlDecode(await victim.GetHtmlAsync(complaintPath));
            var made = await victim.PostFormAsync(complaintPath, [new("Address", "Dorpsstraat 1\r\n1234 AB Ergenshuizen\r\n")], complaintPath + "?handler=Post");

            page.ShouldContain("href=\"https://autoriteitpersoonsgegevens.nl/klacht-corrected\"");
            page.ShouldContain("Postbus 11111, 2500 AA Den Haag");
            made.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var letter = (await factory.Services.GetRequiredService<LetterWorkflow>().LoadAsync(Guid.Parse(made.Headers.Location!.ToString()[^36..]), default)).ShouldNotBeNull();
            letter.PostalAddress.ShouldBe(["Postbus 11111", "2500 AA Den Haag"]);
            letter.PlainText.ShouldContain("Autoriteit Persoonsgegevens\nPostbus 11111\n2500 AA Den Haag\n");
        }
        finally
        {
            await directory.RemoveOwnAsync(DirectoryKind.Authority, ApContact.RecordId, "operator:test", "back to the imported record");
        }
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private Task<Guid> RefusedAndEscalatedAsync(Guid requestId) => factory.RefusedAndEscalatedAsync(requestId);

    private Task SetEscalationModeAsync(Guid caseId, EscalationMode mode) => factory.SetEscalationModeAsync(caseId, mode);
}
