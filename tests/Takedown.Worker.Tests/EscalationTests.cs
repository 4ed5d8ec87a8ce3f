using Takedown.Application.ErasureRequests;
using Takedown.Domain.ApComplaints;
using Takedown.Domain.Cases;
using Takedown.Domain.ErasureRequests;

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
        (await host.CountAsync("SELECT count(*) FROM takedown.events WHERE stream_id = $1 AND type = 'deadline-missed'", id)).ShouldBe(1);
        host.Smtp.ReceivedFor(WorkerHostFixture.ApEmail).ShouldBeEmpty();
    }

    [Fact]
    public async Task Extension_claimed_in_time_moves_the_check_to_the_extended_deadline()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "extends@controller.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var firstDue = sent.AnswerDeadline(host.Engine)!;
        await host.DecideAsync(id, _ => new ClaimExtension(id, "Veel verzoeken tegelijk", host.Clock.GetUtcNow()));

        host.Clock.SetUtcNow(firstDue.DueAt.AddHours(1));
        await Task.Delay(1500);
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
        (await host.CountAsync("SELECT count(*) FROM takedown.events WHERE stream_id = $1 AND type = 'deadline-missed'", id)).ShouldBe(0);
        (await host.CountAsync("SELECT count(*) FROM takedown.messages WHERE body->>'requestId' = $1::text", id)).ShouldBe(0);
    }

    [Fact]
    public async Task With_automatic_escalation_the_dossier_goes_to_the_ap_and_the_complaint_is_lodged()
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
        while (complaint.Status != ApComplaintStatus.Lodged && DateTime.UtcNow < until);
        complaint.Status.ShouldBe(ApComplaintStatus.Lodged);
        complaint.ApReference!.ShouldStartWith("e-mail <");
        host.Smtp.ReceivedFor(WorkerHostFixture.ApEmail).Count.ShouldBeGreaterThanOrEqualTo(1);
    }
}
