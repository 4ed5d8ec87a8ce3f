using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Takedown.Application.Letters;
using Takedown.Application.Replies;
using Takedown.Letters.Sending;
using Takedown.Messaging;
using Takedown.Platforms;

namespace Takedown.Application.Messaging;

/// <summary>The outbox (every host) and the worker with its handlers (worker hosts).</summary>
public static class MessagingSetup
{
    /// <summary>The durable outbox and the letter workflow: what a host needs to publish messages with its events.</summary>
    public static IServiceCollection AddTakedownMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMessaging(o =>
        {
            o.ConnectionString = configuration.GetConnectionString("Takedown")!;
            o.Schema = configuration["Database:Schema"] ?? "takedown";
            o.WorkerName = configuration["Worker:Name"];
            o.Discover(typeof(MessagingSetup).Assembly);
            // Wolverine runs these; stored messages of their types are handed to it (StoredDeadlineChecksHandler).
            o.Skip([.. WolverineSetup.HandlerTypes]);
            // A deadline check must never be given up on: retry for a long time before an operator is asked.
            o.Policy<CheckErasureDeadline>(retries: 20, firstDelay: TimeSpan.FromSeconds(10), maxDelay: TimeSpan.FromMinutes(30));
            o.Policy<SendLetter>(retries: 10, firstDelay: TimeSpan.FromSeconds(30), maxDelay: TimeSpan.FromHours(1));
            o.Policy<FileWithPlatform>(retries: 10, firstDelay: TimeSpan.FromSeconds(30), maxDelay: TimeSpan.FromHours(1));
            o.Policy<FileInternalComplaint>(retries: 10, firstDelay: TimeSpan.FromSeconds(30), maxDelay: TimeSpan.FromHours(1));
            if (configuration.GetValue<TimeSpan?>("Messaging:PollingInterval") is { } polling)
            {
                o.PollingInterval = polling;
            }
            if (configuration.GetValue<TimeSpan?>("Messaging:LeaseDuration") is { } lease)
            {
                o.LeaseDuration = lease;
            }
        });
        services.AddOptions<LetterSettings>().Bind(configuration.GetSection("Letters")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LetterSettings>, LetterSettingsValidation>());
        services.TryAddSingleton<LetterWorkflow>();
        // Drafting needs each platform's channel (a notice by e-mail is a letter the victim approves), in every host.
        services.AddPlatformRegistry(configuration);
        services.TryAddSingleton<PlatformReports.PlatformNotices>();
        services.TryAddSingleton<LetterDeliveries>();
        services.AddHostedService<LetterDeliveries.Migration>();
        services.AddHostedService<Replies.ReplyIntake.Migration>();
        services.TryAddSingleton<Replies.ReplyIntake>();
        services.TryAddSingleton<Replies.ReplyConfirmation>();
        return services;
    }

    /// <summary>The message worker with every handler's dependencies: outgoing mail, platform clients.</summary>
    public static IServiceCollection AddTakedownWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Read and checked now, so a host with a half-configured relay or an unreadable DKIM key does not start.
        var mail = MailConfiguration.Read(configuration);
        // In-flight messages are given back (released) when the host stops; the host must wait long enough for that
        // and for the telemetry flush. Orchestrators must allow at least as much (compose: stop_grace_period).
        services.Configure<HostOptions>(o => o.ShutdownTimeout = configuration.GetValue("Worker:ShutdownTimeout", TimeSpan.FromSeconds(30)));
        services.AddMessageWorker();
        services.AddPlatformClients(configuration);
        services.AddHostedService<Privacy.RetentionSweep>();
        services.AddHostedService<Privacy.MasterKeyRotation>();
        services.AddImapReplies(configuration);
        // One sender for letters and sign-in links alike.
        services.TryAddSingleton(sp => new MailSender(mail, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
