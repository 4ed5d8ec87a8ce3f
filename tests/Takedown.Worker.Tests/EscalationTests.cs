using Takedown.Testing;
using Takedown.Application.EventStorage;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Application.ErasureRequests;
using Takedown.Application.Letters;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Domain.PlatformReports;

namespace Takedown.Worker.Tests;

/// <summary>Request sent → time passes → deadline missed → AP complaint prepared → operator queue; and the ways out.</summary>
public sealed class EscalationTests(WorkerHostFixture host) : IClassFixture<WorkerHostFixture>
{
    [Fact]
    public async Task Unanswered_request_misses_its_deadline_and_is_escalated_to_the_operators_review_queue()
    {
        var id = await host.ApprovedErasureRequestAsync();
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var due = sent.AnswerDeadline(host.Engine)!;

        host.Clock.SetUtcNow(due.DueAt.AddMinutes(-1));
        await Task.Delay(1000);
        (await host.RequestAsync(id)).Status.ShouldBe(ErasureRequestStatus.Sent);

        host.Clock.SetUtcNow(due.DueAt.AddMinutes(1));
        var escalated = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Escalated, "the request is escalated");

        var complaintId = ApComplaintEscalation.ComplaintIdFor(id);
        escalated.ApComplaintId.ShouldBe(complaintId);
        var complaint = (await host.Store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve)).State;
        complaint.Status.ShouldBe(ApComplaintStatus.Prepared);
        complaint.Evidence.ShouldContain(line => line.Contains("zonder antwoord", StringComparison.Ordinal));
        (await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE id = $1 AND needs_operator", complaintId)).ShouldBe(1);
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'deadline-missed'", id)).ShouldBe(1);
        host.Smtp.ReceivedFor(WorkerHostFixture.ApEmail).ShouldBeEmpty();

        // The victim is told, by a notice that needs no approval, sent over SMTP.
        var victim = $"victim-{escalated.CaseId:N}@example.nl";
        await WorkerHostFixture.EventuallyAsync(async () =>
            await host.CountAsync("SELECT count(*) FROM takedown.letter_overview WHERE request_id = $1 AND kind = 'VictimNoticeDeadlineMissed' AND status = 'Sent'", id) == 1,
            "the victim's deadline-missed notice is sent");
        var notices = host.Smtp.ReceivedFor(victim)
            .Select(m => System.Text.Encoding.UTF8.GetString(m.Raw).Replace("\r\n ", " ", StringComparison.Ordinal))
            .Where(raw => raw.Contains("Subject: Controller B.V. heeft niet op tijd geantwoord", StringComparison.Ordinal))
            .ToList();
        notices.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Platform_report_without_a_decision_past_its_response_target_goes_to_the_operators_queue_and_a_decided_one_does_not()
    {
        var waiting = await host.FiledPlatformReportAsync(ReportCategory.Threats);
        var decided = await host.FiledPlatformReportAsync(ReportCategory.Threats);
        await host.AppendAsync(decided, new ContentRemoved(decided, host.Clock.GetUtcNow().AddHours(2)));
        var due = (await host.ReportAsync(waiting)).ResponseDeadline(host.Engine)!;
        due.DueAt.ShouldBe(host.Clock.GetUtcNow().AddHours(24), "the 24-hour target for threats");

        host.Clock.SetUtcNow(due.DueAt.AddMinutes(-1));
        await Task.Delay(1000);
        (await host.ReportAsync(waiting)).TargetMissed.ShouldBeFalse();

        host.Clock.SetUtcNow(due.DueAt.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => (await host.ReportAsync(waiting)).TargetMissed, "the missed target is recorded");

        (await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE id = $1 AND kind = 'platform' AND needs_operator", waiting)).ShouldBe(1);
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'response-target-missed'", waiting)).ShouldBe(1);
        await WorkerHostFixture.EventuallyAsync(async () => await WolverineSchedule.CountNamingAsync(host.ConnectionString, decided) == 0,
            "the decided report's check is handled");
        (await host.ReportAsync(decided)).TargetMissed.ShouldBeFalse();
        (await host.CountAsync("SELECT count(*) FROM takedown.request_overview WHERE id = $1 AND needs_operator", decided)).ShouldBe(0);
    }

    [Fact]
    public async Task Extension_claimed_in_time_moves_the_check_to_the_extended_deadline()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "extends@controller.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var firstDue = sent.AnswerDeadline(host.Engine)!;
        await host.DecideAsync(id, _ => new ClaimExtension(id, "Veel verzoeken tegelijk", host.Clock.GetUtcNow()));

        host.Clock.SetUtcNow(firstDue.DueAt.AddHours(1));
        // The check at the first deadline finds the extension and waits for the new one.
        await WorkerHostFixture.EventuallyAsync(() => WolverineSchedule.WaitsBeyondAsync(host.ConnectionString, "check-erasure-deadline", id, TimeSpan.FromDays(20)),
            "the check waits for the extended deadline");
        var extended = await host.RequestAsync(id);
        extended.Status.ShouldBe(ErasureRequestStatus.Sent);
        var extendedDue = extended.AnswerDeadline(host.Engine)!;
        extendedDue.DueDate.ShouldBeGreaterThan(firstDue.DueDate.AddMonths(1));

        host.Clock.SetUtcNow(extendedDue.DueAt.AddMinutes(1));
        await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Escalated, "the request is escalated after the extension");
    }

    [Fact]
    public async Task Answered_request_is_left_alone_by_its_deadline_check()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "answers@controller.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var due = sent.AnswerDeadline(host.Engine)!;
        await host.DecideAsync(id, _ => new RecordErasureAnswer(id, ErasureOutcome.Complied, "Verwijderd.", host.Clock.GetUtcNow()));

        host.Clock.SetUtcNow(due.DueAt.AddDays(1));
        await Task.Delay(1500);

        (await host.RequestAsync(id)).Status.ShouldBe(ErasureRequestStatus.Answered);
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'deadline-missed'", id)).ShouldBe(0);
        (await WolverineSchedule.CountNamingAsync(host.ConnectionString, id)).ShouldBe(0);
    }

    [Fact]
    public async Task With_automatic_escalation_the_complaint_and_its_dossier_are_prepared_but_nothing_lodges_it_or_mails_the_ap()
    {
        var id = await host.ApprovedErasureRequestAsync(EscalationMode.Automatic, controllerEmail: "silent@controller.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");

        host.Clock.SetUtcNow(sent.AnswerDeadline(host.Engine)!.DueAt.AddMinutes(5));
        await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Escalated, "the request is escalated");

        var complaintId = ApComplaintEscalation.ComplaintIdFor(id);
        var until = DateTime.UtcNow.AddSeconds(30);
        ApComplaint complaint;
        do
        {
            await Task.Delay(100);
            complaint = (await host.Store.AggregateStreamAsync(complaintId, ApComplaint.Initial, ApComplaint.Evolve)).State;
        }
        while (complaint.Dossier is null && DateTime.UtcNow < until);
        // GDPR Art. 77/78(2): a complaint counts from the AP's receipt, which only the victim or an operator can record;
        // the AP takes complaints by its form or by post, so the dossier is kept for them and never e-mailed.
        complaint.Status.ShouldBe(ApComplaintStatus.Prepared);
        complaint.ApReference.ShouldBeNull();
        var dossier = (await host.Services.GetRequiredService<LetterWorkflow>().LoadAsync(complaint.Dossier.ShouldNotBeNull().LetterId, default)).ShouldNotBeNull();
        dossier.Channel.ShouldBe(LetterChannels.WebForm);
        await Task.Delay(500);
        // Only the erasure letter went to the controller, and notices to the victim: no mail carries the dossier.
        host.Smtp.Received().ShouldNotContain(m => System.Text.Encoding.UTF8.GetString(m.Raw).Contains(dossier.ContentSha256, StringComparison.Ordinal));
        (await host.CountAsync("SELECT count(*) FROM takedown_events.mt_events WHERE stream_id = $1 AND type = 'ap-complaint-lodged'", complaintId)).ShouldBe(0);
    }

    [Fact]
    public async Task Under_operator_review_the_dossier_is_kept_beside_the_complaint_in_sentences_with_the_proof_of_sending_and_the_signed_authorisation()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "dossier@controller.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        await host.AuthoriseAsync(sent.CaseId);
        var authorisation = (await host.Store.AggregateStreamAsync(sent.CaseId, Domain.Cases.Case.Initial, Domain.Cases.Case.Evolve)).State.Authorisation!;

        host.Clock.SetUtcNow(sent.AnswerDeadline(host.Engine)!.DueAt.AddMinutes(1));
        await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Escalated, "the request is escalated");

        var complaint = (await host.Store.AggregateStreamAsync(ApComplaintEscalation.ComplaintIdFor(id), ApComplaint.Initial, ApComplaint.Evolve)).State;
        complaint.Status.ShouldBe(ApComplaintStatus.Prepared);
        var kept = complaint.Dossier.ShouldNotBeNull();
        kept.AuthorisationSha256.ShouldBe(authorisation.TextSha256);
        var dossier = (await host.Services.GetRequiredService<LetterWorkflow>().LoadAsync(kept.LetterId, default)).ShouldNotBeNull();
        dossier.Channel.ShouldBe(LetterChannels.WebForm);
        dossier.ContentSha256.ShouldBe(kept.ContentSha256);
        var erasureLetter = (await host.LettersAsync(id, "ErasureRequest")).Single().Id;
        var proof = (await host.Store.FetchStreamAsync(erasureLetter)).Select(e => e.Data).OfType<LetterSent>().Single();
        // The mail server's own words for accepting the letter, as the SMTP test server wrote them.
        proof.ServerReply.ShouldStartWith("250 2.0.0 Ok: queued as ");
        dossier.PlainText.ShouldContain(
            $"Verzoek om gegevenswissing per e-mail verstuurd aan dossier@controller.example (bewijs: Message-ID {proof.MessageId}; SHA-256 van de tekst {proof.ContentSha256}; antwoord van de mailserver: {proof.ServerReply})");
        dossier.PlainText.ShouldContain("Betrokkene heeft de tekst van het verzoek gelezen en goedgekeurd.");
        dossier.PlainText.ShouldContain("zonder antwoord van Controller B.V.");
        foreach (var slug in new[] { "erasure-request-", "letter-sent", "deadline-missed" })
        {
            dossier.PlainText.ShouldNotContain(slug);
        }
        dossier.PlainText.ShouldContain("Machtiging\n\nIk, Anna de Vries, machtig Takedown");
        dossier.PlainText.ShouldContain($"Elektronisch ondertekend door Anna de Vries op ");
        dossier.PlainText.ShouldContain($"SHA-256 van de tekst: {authorisation.TextSha256}.");
        // The operators lodge it on the AP's web form: it is never e-mailed.
        await Task.Delay(500);
        host.Smtp.ReceivedFor(WorkerHostFixture.ApEmail).ShouldBeEmpty();
        (await host.Store.AggregateStreamAsync(kept.LetterId, Letter.Initial, Letter.Evolve)).State.Status.ShouldBe(LetterStatus.Prepared);
    }
}
