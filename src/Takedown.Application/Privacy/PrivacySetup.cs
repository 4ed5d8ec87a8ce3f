using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Takedown.Domain;
using JasperFx.Events;
using Marten;
using Takedown.Application.EventStorage;
using Takedown.Application.Storage;
using Takedown.Application.Sealing;

namespace Takedown.Application.Privacy;

/// <summary>
/// Crypto-shredding for the domain's events (<see cref="PersonalDataAttribute"/> marks what is encrypted, a case is
/// the subject), case erasure, export and the retention sweep.
/// </summary>
public static class PrivacySetup
{
    /// <summary>
    /// The master key used when <c>Privacy:MasterKey</c> is not set, outside Production only. It is public: data
    /// written with it is protected from nobody, which is fine for a developer's machine and the tests.
    /// </summary>
    public const string DevelopmentMasterKey = "VGFrZWRvd24gZGV2ZWxvcG1lbnQga2V5OiBwdWJsaWM=";

    /// <summary>Encrypts every <see cref="PersonalDataAttribute"/> property of the events per case.</summary>
    public static DatabaseOptions ProtectPersonalData(this DatabaseOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Privacy:MasterKey"];
        var key = MasterKey("Privacy:MasterKey", string.IsNullOrWhiteSpace(configured) ? DevelopmentMasterKey : configured);
        // During a rotation the old keys stay listed here until the worker's rewrap pass reports none left.
        var previous = configuration.GetSection("Privacy:PreviousMasterKeys").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => MasterKey($"Privacy:PreviousMasterKeys:{c.Key}", c.Value!))
            .ToArray();
        // Every stream starts with an event naming its case (CaseOpened, ...Drafted, LetterPrepared, ApComplaintPrepared).
        options.Protection = new PersonalDataProtection(
            key, previous, PersonalDataProtection.IsMarked<PersonalDataAttribute>, PersonalDataProtection.SubjectFromProperty("CaseId"));
        return options;
    }

    private static byte[] MasterKey(string name, string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{name} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).", e);
        }
        return key.Length == 32
            ? key
            : throw new InvalidOperationException($"{name} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
    }

    /// <summary>Adds <see cref="CaseErasure"/>, <see cref="CaseExport"/> and the start-up check of the master key.</summary>
    public static IServiceCollection AddTakedownPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<PrivacySettings>(configuration.GetSection("Privacy"));
        if (configuration.GetValue<TimeSpan?>("Privacy:UnmatchedMailRetention") is { } unmatched && unmatched < TimeSpan.FromDays(1))
        {
            // Shorter would destroy the current month's key for unmatched mail while mail still arrives under it.
            throw new InvalidOperationException("Privacy:UnmatchedMailRetention must be at least a day.");
        }
        services.AddSingleton<CaseErasure>();
        services.AddSingleton<CaseExport>();
        services.AddHostedService(sp => new MasterKeyCheck(sp.GetRequiredService<IHostEnvironment>(), configuration));
        return services;
    }

    /// <summary>Production refuses to start on the public development key.</summary>
    private sealed class MasterKeyCheck(IHostEnvironment environment, IConfiguration configuration) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            environment.IsProduction() && string.IsNullOrWhiteSpace(configuration["Privacy:MasterKey"])
                ? throw new InvalidOperationException(
                    "Privacy:MasterKey is not set. Generate one with `openssl rand -base64 32` and keep it outside the database.")
                : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Section <c>Privacy</c>.</summary>
public sealed class PrivacySettings
{
    /// <summary>Base64 of 32 random bytes that wrap every case's key. Required in Production.</summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// Master keys being rotated out (base64): case keys wrapped with them still open, and the worker wraps them again
    /// with <see cref="MasterKey"/>. Remove them once the worker logs that no key is left to rewrap.
    /// </summary>
    public IList<string> PreviousMasterKeys { get; } = [];

    /// <summary>How long a closed case is kept before it is erased (GDPR Art. 5(1)(e), storage limitation).</summary>
    public TimeSpan RetentionAfterClose { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often the worker looks for closed cases past their retention.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long mail matched to no case is kept (an operator dismissing it deletes it sooner). It belongs to no case a
    /// victim could erase, so it is kept only long enough for an operator to look at it; a month's key for such mail is
    /// destroyed once all of that month's mail is past this (at least a day).
    /// </summary>
    public TimeSpan UnmatchedMailRetention { get; set; } = TimeSpan.FromDays(30);
}
