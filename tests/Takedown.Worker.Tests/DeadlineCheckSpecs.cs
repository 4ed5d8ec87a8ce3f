using Takedown.Application.Messaging;
using Takedown.Application.PlatformReports;
using Takedown.Domain.Deadlines;
using Takedown.Domain.PlatformReports;
using Takedown.Testing;
using Wolverine;

namespace Takedown.Worker.Tests;

/// <summary>
/// The platform response check as a pure function: a report and a clock in, the events to append and the messages to
/// send out. No database, no Wolverine host: what Wolverine does with the result is tested in <see cref="EscalationTests"/>.
/// </summary>
public sealed class DeadlineCheckSpecs
{
    private static readonly DeadlineEngine Engine = new(HolidayCalendars.Default());

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Before_the_target_the_check_appends_nothing_and_comes_again_at_the_target()
    {
        var report = Filed(ReportCategory.Doxing);
        var due = report.ResponseDeadline(Engine)!;
        _clock.SetUtcNow(due.DueAt.AddHours(-2));

        var (events, messages) = CheckPlatformResponseHandler.Handle(new CheckPlatformResponse(report.Id), report, Engine, _clock);

        events.ShouldBeEmpty();
        var again = messages.ShouldHaveSingleItem().ShouldBeOfType<DeliveryMessage<CheckPlatformResponse>>();
        again.Message.ReportId.ShouldBe(report.Id);
        again.Options.ScheduleDelay.ShouldBe(TimeSpan.FromHours(2));
    }

    [Fact]
    public void Past_the_target_an_undecided_report_is_marked_missed_and_nothing_more_is_sent()
    {
        var report = Filed(ReportCategory.Doxing);
        _clock.SetUtcNow(report.ResponseDeadline(Engine)!.DueAt.AddMinutes(1));

        var (events, messages) = CheckPlatformResponseHandler.Handle(new CheckPlatformResponse(report.Id), report, Engine, _clock);

        events.ShouldHaveSingleItem().ShouldBeOfType<ResponseTargetMissed>().ReportId.ShouldBe(report.Id);
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_decided_report_is_left_alone_however_late_the_check()
    {
        var filed = Filed(ReportCategory.Doxing);
        var removed = PlatformReport.Decide(new RecordContentRemoved(filed.Id, _clock.GetUtcNow()), filed, Engine)
            .Aggregate(filed, PlatformReport.Evolve);
        _clock.Advance(TimeSpan.FromDays(30));

        var (events, messages) = CheckPlatformResponseHandler.Handle(new CheckPlatformResponse(removed.Id), removed, Engine, _clock);

        events.ShouldBeEmpty();
        messages.ShouldBeEmpty();
    }

    private PlatformReport Filed(ReportCategory category)
    {
        var now = _clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var state = PlatformReport.Initial;
        foreach (var command in new object[]
        {
            new DraftPlatformReport(id, Guid.CreateVersion7(), "Sandbox", ["https://platform.example/p/1"], category,
                "Hij zet mijn adres online.", "A. Melder", "melder@example.nl", true, now),
            new ApprovePlatformReport(id, "victim:test", "notice-sha", "notice-sha", true, now),
            new FilePlatformReport(id, "T-1", now),
        })
        {
            state = PlatformReport.Decide(command, state, Engine).Aggregate(state, PlatformReport.Evolve);
        }
        return state;
    }
}
