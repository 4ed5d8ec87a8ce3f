using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Npgsql;
using Takedown.Api.Operator;
using Takedown.Api.Tests.Portal;
using Takedown.Domain.Cases;
using Takedown.Domain.PlatformReports;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Testing;

namespace Takedown.Api.Tests.Operator;

/// <summary>
/// The statistics snapshot against the real database: reused while fresh, computed again when too old or on request,
/// computed by one of many concurrent page views, refreshed in the background on the clock. The host never refreshes
/// or expires the snapshot on its own (see <see cref="OperatorHost"/>); tests that need a clock build their own
/// <see cref="StatisticsSnapshots"/> on the host's database with a <see cref="ManualTimeProvider"/>.
/// </summary>
public sealed class StatisticsSnapshotTests(OperatorHost host, BrowserFixture browser) : IClassFixture<OperatorHost>, IClassFixture<BrowserFixture>
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    [Fact]
    public async Task Page_keeps_its_figures_until_an_operator_presses_Refresh_now()
    {
        var page = await SignedInAsync(OperatorHost.OperatorId);
        await page.GotoAsync("/operator/statistics");
        await RefreshAsync(page);
        var platform = NewPlatformName();
        var (caseId, _) = await host.OpenCaseAsync(EscalationMode.OperatorReview);
        await host.DecidedPlatformReportAsync(caseId, platform, ReportCategory.Doxing, removed: true, afterDays: 2);

        var again = await page.GotoAsync("/operator/statistics");

        again!.Status.ShouldBe(200);
        (await page.Locator("table.list tr", new PageLocatorOptions { HasText = platform }).CountAsync()).ShouldBe(0);

        var refreshed = await RefreshAsync(page);

        refreshed.Status.ShouldBe(302);
        var row = page.Locator("table.list tr", new PageLocatorOptions { HasText = platform });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        (await row.TextContentAsync())!.ShouldContain("2.0");
        page.Url.ShouldBe(host.BaseUrl + "/operator/statistics");
    }

    [Fact]
    public async Task Page_shows_when_its_figures_were_computed_on_the_Amsterdam_clock()
    {
        var page = await SignedInAsync(OperatorHost.SupervisorId);
        await page.GotoAsync("/operator/statistics");
        var before = DateTimeOffset.UtcNow;

        await RefreshAsync(page);

        var computedAt = await ComputedAtAsync();
        computedAt.ShouldNotBeNull();
        computedAt.Value.ShouldBeGreaterThan(before.AddSeconds(-1));
        var expected = TimeZoneInfo.ConvertTime(computedAt.Value, Amsterdam).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("[data-testid=as-of]")).ToHaveTextAsync("Figures as of " + expected);
    }

    [Fact]
    public async Task Refresh_without_the_anti_forgery_token_is_refused_and_computes_nothing()
    {
        var page = await SignedInAsync(OperatorHost.OperatorId);
        await page.GotoAsync("/operator/statistics");
        await RefreshAsync(page);
        var computedAt = await ComputedAtAsync();
        (await page.Locator("form.as-of input[name=__RequestVerificationToken]").CountAsync()).ShouldBe(1);

        var post = await page.APIRequest.PostAsync("/operator/statistics?handler=Refresh", new APIRequestContextOptions { MaxRedirects = 0 });

        post.Status.ShouldBe(400);
        (await ComputedAtAsync()).ShouldBe(computedAt);
    }

    [Fact]
    public async Task Snapshot_is_reused_until_it_is_older_than_the_maximum_age()
    {
        var clock = NewClock();
        var snapshots = Snapshots(clock, maxAgeSeconds: 120);
        var first = await snapshots.RefreshAsync(CancellationToken.None);
        var platform = NewPlatformName();
        var (caseId, _) = await host.OpenCaseAsync(EscalationMode.OperatorReview);
        await host.DecidedPlatformReportAsync(caseId, platform, ReportCategory.Threats, removed: false, afterDays: 4);

        clock.Advance(TimeSpan.FromSeconds(119));
        var reused = await snapshots.GetAsync(CancellationToken.None);

        reused.ComputedAt.ShouldBe(first.ComputedAt);
        reused.Statistics.ResponseTimes.ShouldNotContain(r => r.Counterparty == platform);
        // What was stored reads back the same, dates and nullable shares included.
        reused.Statistics.ResponseTimes.ShouldBe(first.Statistics.ResponseTimes);
        reused.Statistics.Removals.ShouldBe(first.Statistics.Removals);
        reused.Statistics.OpenCases.ShouldBe(first.Statistics.OpenCases);
        reused.Statistics.OpenCases.Count.ShouldBe(StatisticsSnapshots.Days);
        reused.Statistics.ShareAnsweredInTime.ShouldBe(first.Statistics.ShareAnsweredInTime);
        reused.Statistics.AnsweredCount.ShouldBe(first.Statistics.AnsweredCount);

        clock.Advance(TimeSpan.FromSeconds(2));
        var recomputed = await snapshots.GetAsync(CancellationToken.None);

        recomputed.ComputedAt.ShouldBe(clock.GetUtcNow());
        recomputed.Statistics.ResponseTimes.ShouldContain(r => r.Counterparty == platform && r.MedianDays == 4.0);
        (await ComputedAtAsync()).ShouldBe(clock.GetUtcNow());
    }

    [Fact]
    public async Task Requests_finding_a_stale_snapshot_while_another_computes_get_the_stale_figures_at_once()
    {
        var clock = NewClock();
        var snapshots = Snapshots(clock, maxAgeSeconds: 120);
        var stale = await snapshots.RefreshAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));

        await using (await LockHolder.TakeAsync(host.ConnectionString, snapshots.LockName))
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => snapshots.GetAsync(CancellationToken.None)))
                .WaitAsync(TimeSpan.FromSeconds(30));

            answers.ShouldAllBe(a => a.ComputedAt == stale.ComputedAt);
            (await ComputedAtAsync()).ShouldBe(stale.ComputedAt);
        }

        (await snapshots.GetAsync(CancellationToken.None)).ComputedAt.ShouldBe(clock.GetUtcNow());
    }

    [Fact]
    public async Task Without_any_snapshot_a_request_waits_for_the_one_being_computed_and_takes_it()
    {
        var clock = NewClock();
        var snapshots = Snapshots(clock, maxAgeSeconds: 120);
        await DeleteSnapshotAsync();
        Task<StatisticsSnapshot> waiting;

        await using (var holder = await LockHolder.TakeAsync(host.ConnectionString, snapshots.LockName))
        {
            waiting = snapshots.GetAsync(CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            waiting.IsCompleted.ShouldBeFalse();
            // What the computing request stores (marked: no query yields a negative count).
            await holder.ExecuteAsync("""
                INSERT INTO takedown.operator_statistics_snapshot (id, statistics, computed_at)
                VALUES (1, '{"responseTimes":[],"removals":[],"openCases":[],"shareAnsweredInTime":null,"answeredCount":-1}', $1)
                """, clock.GetUtcNow());
            await holder.CommitAsync();
        }

        var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        taken.Statistics.AnsweredCount.ShouldBe(-1);
        taken.ComputedAt.ShouldBe(clock.GetUtcNow());
    }

    [Fact]
    public async Task Background_refresh_computes_every_interval_on_the_clock_and_stops_with_the_host()
    {
        await DeleteSnapshotAsync();
        var clock = new ObservedClock(NewClock());
        var snapshots = Snapshots(clock, maxAgeSeconds: 120);
        using var refresh = new StatisticsRefresh(
            snapshots, Options.Create(new StatisticsSnapshotSettings { RefreshSeconds = 60 }), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<StatisticsRefresh>.Instance);

        await refresh.StartAsync(CancellationToken.None);
        await clock.TimerCreated.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Inner.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        (await ComputedAtAsync()).ShouldBeNull();

        clock.Inner.Advance(TimeSpan.FromSeconds(1));
        await EventuallyAsync(async () => await ComputedAtAsync() == clock.GetUtcNow());
        clock.Inner.Advance(TimeSpan.FromSeconds(60));
        await EventuallyAsync(async () => await ComputedAtAsync() == clock.GetUtcNow());

        await refresh.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        refresh.ExecuteTask!.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task Background_refresh_logs_a_failure_without_its_message_and_keeps_running()
    {
        var clock = new ObservedClock(NewClock());
        var broken = new StatisticsSnapshots(
            DataSource, new DatabaseOptions { Schema = "no_such_schema" }, new OperatorQueries(DataSource, new DatabaseOptions { Schema = "no_such_schema" }, null!, clock),
            Options.Create(new StatisticsSnapshotSettings()), clock);
        var logs = new CollectingLoggerProvider();
        using var factory = new LoggerFactory([logs]);
        using var refresh = new StatisticsRefresh(
            broken, Options.Create(new StatisticsSnapshotSettings { RefreshSeconds = 60 }), clock, factory.CreateLogger<StatisticsRefresh>());

        await refresh.StartAsync(CancellationToken.None);
        await clock.TimerCreated.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Inner.Advance(TimeSpan.FromSeconds(60));
        await EventuallyAsync(() => Task.FromResult(logs.Lines.Count(l => l.Contains("refresh failed", StringComparison.Ordinal)) == 1));
        clock.Inner.Advance(TimeSpan.FromSeconds(60));
        await EventuallyAsync(() => Task.FromResult(logs.Lines.Count(l => l.Contains("refresh failed", StringComparison.Ordinal)) == 2));

        refresh.ExecuteTask!.IsCompleted.ShouldBeFalse();
        var line = logs.Lines.First(l => l.Contains("refresh failed", StringComparison.Ordinal));
        line.ShouldContain("PostgresException");
        line.ShouldNotContain("no_such_schema");
        await refresh.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        refresh.ExecuteTask.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Theory]
    [InlineData("Operator:Statistics:MaxAgeSeconds")]
    [InlineData("Operator:Statistics:RefreshSeconds")]
    public async Task A_setting_that_is_not_a_positive_number_of_seconds_stops_the_host_at_start_up(string setting)
    {
        await using var misconfigured = host.WithWebHostBuilder(b => b.UseSetting(setting, "0"));

        var error = Should.Throw<OptionsValidationException>(() => misconfigured.Services);

        error.Message.ShouldContain(setting);
    }

    private NpgsqlDataSource DataSource => host.Services.GetRequiredService<NpgsqlDataSource>();

    private StatisticsSnapshots Snapshots(TimeProvider clock, int maxAgeSeconds)
    {
        var options = host.Services.GetRequiredService<DatabaseOptions>();
        return new StatisticsSnapshots(DataSource, options, new OperatorQueries(DataSource, options, host.Services.GetRequiredService<IDocumentStore>(), clock),
            Options.Create(new StatisticsSnapshotSettings { MaxAgeSeconds = maxAgeSeconds }), clock);
    }

    // Whole seconds: PostgreSQL keeps microseconds, so a stored time reads back equal.
    private static ManualTimeProvider NewClock() =>
        new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static string NewPlatformName() => "Momentopname " + Guid.NewGuid().ToString("N")[..8];

    private async Task<DateTimeOffset?> ComputedAtAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT computed_at FROM takedown.operator_statistics_snapshot WHERE id = 1", connection);
        return await command.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    private async Task DeleteSnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM takedown.operator_statistics_snapshot", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition did not hold within 20 seconds");
            await Task.Delay(50);
        }
    }

    private static async Task<IResponse> RefreshAsync(IPage page) =>
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("[data-testid=refresh]"), r => r.Request.Method == "POST");

    private async Task<IPage> SignedInAsync(string operatorId)
    {
        var context = await browser.NewContextAsync(host.BaseUrl, phone: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/operator/sign-in");
        await page.FillAsync("input[name=operatorId]", operatorId);
        await page.FillAsync("input[name=password]", OperatorHost.Password);
        await page.ClickAsync("button[type=submit]");
        page.Url.ShouldBe(host.BaseUrl + "/operator");
        return page;
    }

    /// <summary>Another instance computing: a transaction holding the snapshot's advisory lock.</summary>
    private sealed class LockHolder : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;

        private LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
            (_connection, _transaction) = (connection, transaction);

        public static async Task<LockHolder> TakeAsync(string connectionString, string lockName)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = lockName });
            await command.ExecuteNonQueryAsync();
            return new LockHolder(connection, transaction);
        }

        public async Task ExecuteAsync(string sql, params object[] values)
        {
            await using var command = new NpgsqlCommand(sql, _connection, _transaction);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await command.ExecuteNonQueryAsync();
        }

        public Task CommitAsync() => _transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    /// <summary>A manual clock that tells when the background service has created its timer, so advancing it is not lost.</summary>
    private sealed class ObservedClock(ManualTimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualTimeProvider Inner => inner;

        public Task TimerCreated => _timerCreated.Task;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            _timerCreated.TrySetResult();
            return timer;
        }
    }
}
