using Takedown.Testing;
using Takedown.Application.EventStorage;
using System.Text;
using Npgsql;
using Takedown.Application.Letters;
using Takedown.Domain.ErasureRequests;
using Takedown.Domain.Letters;
using Takedown.Letters.Composing;
using Microsoft.Extensions.DependencyInjection;

namespace Takedown.Worker.Tests;

/// <summary>
/// Request sent → a week before the deadline a reminder to the controller waits for the victim's approval → approved,
/// it is sent; and the warnings that must stay silent or follow a deadline that moved. The clock is the test's.
/// </summary>
public sealed class ReminderTests(WorkerHostFixture host) : IClassFixture<WorkerHostFixture>
{
    private const string Reminder = nameof(LetterKind.DeadlineReminder);

    [Fact]
    public async Task A_week_before_the_deadline_a_reminder_waits_for_the_victim_and_once_approved_is_sent_to_the_controller()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "slow@reminded.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var due = sent.AnswerDeadline(host.Engine)!;
        var week = host.Engine.WarningPoints(due, 7).Single();

        host.Clock.SetUtcNow(week.At.AddMinutes(-1));
        await Task.Delay(1000);
        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();

        host.Clock.SetUtcNow(week.At.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => (await host.LettersAsync(id, Reminder)).Count == 1, "the reminder is prepared");
        var (reminderId, status) = (await host.LettersAsync(id, Reminder)).Single();
        reminderId.ShouldBe(ErasureRequest.ReminderIdFor(id, due.DueDate));
        status.ShouldBe("Prepared");
        var reminder = (await host.Services.GetRequiredService<LetterWorkflow>().LoadAsync(reminderId, default))!;
        reminder.NeedsApproval.ShouldBeTrue();
        reminder.Language.ShouldBe("nl");
        reminder.Subject.ShouldStartWith("Herinnering: verzoek om gegevenswissing");
        reminder.PlainText.ShouldContain($"Uw antwoord moet ons uiterlijk op {LetterDates.Format(due.DueDate, "nl")} bereiken.");
        // Nothing goes to the controller before the victim approves; the victim is told the reminder waits.
        host.Smtp.ReceivedFor("slow@reminded.example").Count.ShouldBe(1);
        var victim = WorkerHostFixture.VictimEmail(sent.CaseId);
        const string Waiting = "Wij hebben een herinnering aan Controller B.V. klaargezet.";
        await WorkerHostFixture.EventuallyAsync(() => Task.FromResult(host.Smtp.ReceivedFor(victim).Any(m => Text(m).Contains(Waiting, StringComparison.Ordinal))),
            "the victim is told a reminder waits");
        Text(host.Smtp.ReceivedFor(victim).Single(m => Text(m).Contains(Waiting, StringComparison.Ordinal))).ShouldNotContain("https://controller.example");

        await host.ApproveLetterAsync(reminderId);

        await WorkerHostFixture.EventuallyAsync(() => Task.FromResult(host.Smtp.ReceivedFor("slow@reminded.example").Count == 2), "the reminder is sent");
        var mail = Text(host.Smtp.ReceivedFor("slow@reminded.example")[1]);
        mail.ShouldContain("X-Takedown-Content-SHA256: " + reminder.ContentSha256);
        mail.ShouldContain("application/pdf");
        // The SMTP server has the letter a moment before the worker's transaction records it as sent.
        await WorkerHostFixture.EventuallyAsync(async () => (await host.Store.FetchStreamAsync(reminderId)).Any(e => e.Data is LetterSent), "the sending is recorded");
        var letterSent = (await host.Store.FetchStreamAsync(reminderId)).Select(e => e.Data).OfType<LetterSent>().ShouldHaveSingleItem();
        mail.ShouldContain("Message-ID: " + letterSent.MessageId);

        // The warning a day before finds the reminder made: no second one.
        host.Clock.SetUtcNow(host.Engine.WarningPoints(due, 1).Single().At.AddMinutes(1));
        await Task.Delay(1500);
        (await host.LettersAsync(id, Reminder)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answered_request_gets_no_reminder()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "quick@reminded.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var due = sent.AnswerDeadline(host.Engine)!;
        await host.DecideAsync(id, _ => new RecordErasureAnswer(id, ErasureOutcome.Complied, "Verwijderd.", host.Clock.GetUtcNow()));

        host.Clock.SetUtcNow(host.Engine.WarningPoints(due, 7).Single().At.AddMinutes(1));
        await Task.Delay(1500);

        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();
        host.Smtp.ReceivedFor(WorkerHostFixture.VictimEmail(sent.CaseId)).ShouldNotContain(m => Text(m).Contains("klaargezet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_an_extension_the_old_warning_does_nothing_and_the_reminder_comes_a_week_before_the_new_deadline()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "extends@reminded.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var firstDue = sent.AnswerDeadline(host.Engine)!;
        await host.DecideAsync(id, _ => new ClaimExtension(id, "Veel verzoeken tegelijk", host.Clock.GetUtcNow()));
        var newDue = (await host.RequestAsync(id)).AnswerDeadline(host.Engine)!;

        host.Clock.SetUtcNow(host.Engine.WarningPoints(firstDue, 7).Single().At.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => await PendingWarningsAsync(id, newDue.DueDate) >= 1, "the warning moves to the new deadline");
        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();
        (await PendingWarningsAsync(id, firstDue.DueDate)).ShouldBe(1, "the day-before warning of the old deadline is still waiting for its date");

        host.Clock.SetUtcNow(host.Engine.WarningPoints(firstDue, 1).Single().At.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => await PendingWarningsAsync(id, newDue.DueDate) == 2, "both warnings follow the new deadline");
        (await PendingWarningsAsync(id, firstDue.DueDate)).ShouldBe(0);
        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();

        host.Clock.SetUtcNow(host.Engine.WarningPoints(newDue, 7).Single().At.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => (await host.LettersAsync(id, Reminder)).Count == 1, "the reminder for the new deadline is prepared");
        var reminderId = (await host.LettersAsync(id, Reminder)).Single().Id;
        reminderId.ShouldBe(ErasureRequest.ReminderIdFor(id, newDue.DueDate));
        (await host.Services.GetRequiredService<LetterWorkflow>().LoadAsync(reminderId, default))!.PlainText
            .ShouldContain($"uiterlijk op {LetterDates.Format(newDue.DueDate, "nl")}");
    }

    [Fact]
    public async Task While_the_controller_waits_for_an_identity_check_no_reminder_goes_and_afterwards_it_follows_the_later_deadline()
    {
        var id = await host.ApprovedErasureRequestAsync(controllerEmail: "checks@reminded.example");
        var sent = await host.WaitForAsync(id, r => r.Status == ErasureRequestStatus.Sent, "the letter is sent");
        var firstDue = sent.AnswerDeadline(host.Engine)!;
        host.Clock.Advance(TimeSpan.FromDays(5));
        await host.DecideAsync(id, _ => new RequestIdentityCheck(id, "Kopie van een identiteitsbewijs", host.Clock.GetUtcNow()));

        host.Clock.SetUtcNow(host.Engine.WarningPoints(firstDue, 7).Single().At.AddMinutes(1));
        await Task.Delay(1500);
        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();

        host.Clock.Advance(TimeSpan.FromDays(3));
        await host.DecideAsync(id, _ => new AnswerIdentityCheck(id, host.Clock.GetUtcNow()));
        var newDue = (await host.RequestAsync(id)).AnswerDeadline(host.Engine)!;
        newDue.DueDate.ShouldBeGreaterThan(firstDue.DueDate);
        var newWeek = host.Engine.WarningPoints(newDue, 7).Single();

        host.Clock.SetUtcNow(newWeek.At.AddMinutes(-1));
        await Task.Delay(1500);
        (await host.LettersAsync(id, Reminder)).ShouldBeEmpty();

        host.Clock.SetUtcNow(newWeek.At.AddMinutes(1));
        await WorkerHostFixture.EventuallyAsync(async () => (await host.LettersAsync(id, Reminder)).Count == 1, "the reminder for the later deadline is prepared");
        (await host.LettersAsync(id, Reminder)).Single().Id.ShouldBe(ErasureRequest.ReminderIdFor(id, newDue.DueDate));
    }

    private static string Text(Takedown.Testing.ReceivedMail mail) =>
        DecodeQuotedPrintable(Encoding.UTF8.GetString(mail.Raw));

    private static string DecodeQuotedPrintable(string raw)
    {
        var joined = raw.Replace("=\r\n", "", StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < joined.Length; i++)
        {
            if (joined[i] == '=' && i + 2 < joined.Length && Uri.IsHexDigit(joined[i + 1]) && Uri.IsHexDigit(joined[i + 2]))
            {
                bytes.Add(Convert.ToByte(joined.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(joined[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Warnings of the request for one due date still waiting in Wolverine (only warnings carry a due date).</summary>
    private Task<long> PendingWarningsAsync(Guid id, DateOnly dueDate) =>
        WolverineSchedule.CountNamingAsync(host.ConnectionString, id,
            dueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}
